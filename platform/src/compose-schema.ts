import { ParqueDBError, type CollectionDefinition } from '@parquedb/mv-core'
import type { Plugin } from './plugin.ts'

/**
 * The database schema: the user's entries plus every plugin's collections and views. A name
 * defined twice — by two plugins, or by a plugin and the schema — is an error naming both, as
 * is a plugin given twice; the same definition object given twice is kept once.
 *
 * @example
 * composeSchema({ Order: { total: 'double!' } }, [tailPlugin]) // { Order, TailEvents, WorkerErrors, ... }
 */
export function composeSchema(schema: Readonly<Record<string, CollectionDefinition>>, plugins: readonly Plugin[]): Record<string, CollectionDefinition> {
  const owners = new Map<string, string>()
  const composed: Record<string, CollectionDefinition> = {}
  const add = (name: string, definition: CollectionDefinition, owner: string) => {
    const previous = owners.get(name)
    // Two plugins bringing the very same definition (one import, e.g. the AI pack's AIRequests
    // shared by ai-sdk and otel) agree: the entry is kept once.
    if (previous !== undefined && composed[name] === definition) return
    if (previous !== undefined) {
      throw new ParqueDBError('SCHEMA', `"${name}" is defined twice: by ${previous} and by ${owner}`, { name, owners: [previous, owner] })
    }
    owners.set(name, owner)
    composed[name] = definition
  }
  for (const [name, definition] of Object.entries(schema)) add(name, definition, 'the schema')
  const seen = new Set<string>()
  for (const plugin of plugins) {
    if (typeof plugin?.name !== 'string') throw new ParqueDBError('SCHEMA', 'plugins: every entry must come from definePlugin({ name, ... })')
    if (seen.has(plugin.name)) throw new ParqueDBError('SCHEMA', `plugin "${plugin.name}" is given twice`, { plugin: plugin.name })
    seen.add(plugin.name)
    for (const [name, definition] of Object.entries(plugin.collections ?? {})) add(name, definition, `plugin "${plugin.name}"`)
    for (const [name, definition] of Object.entries(plugin.views ?? {})) add(name, definition, `plugin "${plugin.name}"`)
  }
  return composed
}
