import { ParqueDBError, type CollectionDefinition } from '@parquedb/mv-core'
import type { DashboardSpec } from './dashboard-spec.ts'

/** What a plugin's setup hook gets: the open database, to subscribe, seed or schedule work. */
export interface PluginContext<Db = unknown> {
  readonly db: Db
  readonly plugin: string
}

/**
 * A plugin: the one shape built-in integrations and users' own view packs share.
 * - `collections`: stream collections it ingests into (schemas, often with `$ingest`);
 * - `views`: its materialized-view pack (definitions with `$from`, e.g. `defineView` results);
 * - `routes`: a hono sub-app, mounted under `/plugins/<name>`;
 * - `dashboards`: dashboard specs shown in the UI;
 * - `setup`: called once the database is open.
 */
export interface Plugin<
  C extends Readonly<Record<string, CollectionDefinition>> = Readonly<Record<string, CollectionDefinition>>,
  V extends Readonly<Record<string, CollectionDefinition>> = Readonly<Record<string, CollectionDefinition>>,
> {
  readonly name: string
  readonly collections?: C
  readonly views?: V
  /** A hono app (anything with a `fetch(request)`), mounted under `/plugins/<name>`. */
  readonly routes?: { fetch(request: Request, ...rest: never[]): Response | Promise<Response> }
  readonly dashboards?: readonly DashboardSpec[]
  readonly setup?: (context: PluginContext<never>) => void | Promise<void>
}

const PLUGIN_NAME = /^[a-z][a-z0-9-]{0,63}$/
const KNOWN_KEYS = new Set(['name', 'collections', 'views', 'routes', 'dashboards', 'setup'])

/**
 * Checks a plugin once, where it is defined, and freezes it: a lowercase name usable in a URL,
 * collections without `$from`, views with it, routes that can answer a request, a setup
 * function. Errors name the plugin and the entry at fault.
 *
 * @example
 * export const checkout = definePlugin({
 *   name: 'checkout',
 *   collections: { CartEvents: { cartId: 'string!', action: 'string!', amount: 'double?', at: 'timestamp!' } },
 *   views: { AbandonedCarts: { $from: 'CartEvents', $filter: { action: 'abandon' } } },
 * })
 */
export function definePlugin<const C extends Readonly<Record<string, CollectionDefinition>> = {}, const V extends Readonly<Record<string, CollectionDefinition>> = {}>(plugin: Plugin<C, V>): Plugin<C, V> {
  const fail = (message: string, details: Record<string, unknown> = {}) => new ParqueDBError('SCHEMA', `plugin "${String((plugin as { name?: unknown })?.name ?? '?')}": ${message}`, { plugin: (plugin as { name?: unknown })?.name, ...details })
  if (typeof plugin !== 'object' || plugin === null) throw new ParqueDBError('SCHEMA', 'definePlugin: expected an object such as { name, collections, views }')
  if (typeof plugin.name !== 'string' || !PLUGIN_NAME.test(plugin.name)) throw fail('name must be lowercase letters, digits and -, starting with a letter (it becomes /plugins/<name>)')
  for (const key of Object.keys(plugin)) if (!KNOWN_KEYS.has(key)) throw fail(`unknown key "${key}" (expected ${[...KNOWN_KEYS].join(', ')})`, { key })
  for (const [name, definition] of Object.entries(plugin.collections ?? {})) {
    if (typeof definition !== 'object' || definition === null) throw fail(`collection "${name}" must be an object of fields`, { collection: name })
    if ('$from' in definition) throw fail(`collection "${name}" has $from: views go under "views"`, { collection: name })
  }
  for (const [name, definition] of Object.entries(plugin.views ?? {})) {
    if (typeof definition !== 'object' || definition === null || !('$from' in definition)) throw fail(`view "${name}" needs $from (collections go under "collections")`, { view: name })
  }
  if (plugin.routes !== undefined && typeof plugin.routes?.fetch !== 'function') throw fail('routes must be a hono app (something with fetch(request))')
  if (plugin.setup !== undefined && typeof plugin.setup !== 'function') throw fail('setup must be a function')
  if (plugin.dashboards !== undefined && !Array.isArray(plugin.dashboards)) throw fail('dashboards must be a list of dashboard specs')
  return Object.freeze({ ...plugin })
}
