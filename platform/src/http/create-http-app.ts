import { ParqueDBError } from '@parquedb/mv-core'
import { Hono, type MiddlewareHandler } from 'hono'
import { mount } from 'hono/mount'
import type { AuthToken, Scope } from '../config.ts'
import type { DatabaseFacade } from '../db.ts'
import { bearerAuth } from './bearer-auth.ts'
import { collectionRoutes } from './collection-routes.ts'
import { errorResponse, httpError } from './http-error.ts'
import { jsonResponse } from './json-response.ts'
import { openApiDocument } from './openapi-document.ts'
import { DEFAULT_MAX_BODY_BYTES } from './read-body.ts'
import { sqlRoutes } from './sql-routes.ts'
import { viewRoutes } from './view-routes.ts'

export interface HttpAppOptions {
  /** Bearer tokens and their scopes. None: every request is let through (serve then binds loopback only). */
  readonly tokens?: readonly AuthToken[]
  /** Largest request body accepted, in bytes (default 1 MiB); larger ones get 413. */
  readonly maxBodyBytes?: number
  /** Where server faults (500s) are reported with their stack; clients only see "internal error". */
  readonly log?: (line: string) => void
}

/**
 * Paths at the API's root that standard clients send to by default, each forwarded unchanged to
 * the routes of the plugin that speaks the protocol: OTLP exporters post to `/v1/traces` and
 * `/v1/logs` under the endpoint they are given. Without that plugin they answer 404.
 */
const ROOT_PLUGIN_ROUTES: readonly { readonly path: string; readonly plugin: string }[] = [
  { path: '/v1/traces', plugin: 'otel' },
  { path: '/v1/logs', plugin: 'otel' },
]

/** Plugin routes change nothing when read; anything else they do counts as writing. */
const pluginScope = (method: string): Scope => (method === 'GET' || method === 'HEAD' ? 'read' : 'ingest')

/**
 * The ParqueDB HTTP API as one hono app, for Node (`serve` from 'parquedb/node') and Workers
 * (`export default { fetch: app.fetch }`) alike. Routes are described by `GET /openapi.json`.
 * Bodies are JSON; Dates are ISO strings and bigints decimal strings (send bigints as strings
 * too, to keep every digit).
 *
 * @example
 * const app = createHttpApp(db, { tokens: [{ token: env.PARQUEDB_TOKEN, scopes: ['admin'] }] })
 * const response = await app.request('/views/DailySales?sort=-day&limit=7', { headers: { authorization: `Bearer ${env.PARQUEDB_TOKEN}` } })
 */
export function createHttpApp(db: DatabaseFacade, options: HttpAppOptions = {}): Hono {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
  if (!(Number.isInteger(maxBodyBytes) && maxBodyBytes > 0)) throw new ParqueDBError('SCHEMA', `createHttpApp: maxBodyBytes must be a positive integer, got ${String(maxBodyBytes)}`)
  const auth = bearerAuth(options.tokens)
  const app = new Hono()

  app.onError((error) => errorResponse(error, options.log))
  app.notFound((c) => httpError(404, 'NOT_FOUND', `no route ${c.req.method} ${new URL(c.req.url).pathname} (see /openapi.json)`))

  app.get('/health', async () => {
    try {
      await db.ready()
      return jsonResponse({ ok: true, database: 'open' })
    } catch (error) {
      // Unauthenticated: the code says what is wrong without exposing paths or messages.
      const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'INTERNAL'
      return jsonResponse({ ok: false, database: 'unavailable', code }, 503)
    }
  })
  app.get('/openapi.json', () => jsonResponse(openApiDocument()))
  app.get('/dashboards', auth.require('read'), () =>
    jsonResponse({ dashboards: db.plugins.flatMap((plugin) => (plugin.dashboards ?? []).map((dashboard) => ({ plugin: plugin.name, ...dashboard }))) }),
  )

  app.route('/collections', collectionRoutes(db, auth, maxBodyBytes))
  app.route('/views', viewRoutes(db, auth, maxBodyBytes))
  app.route('/sql', sqlRoutes(db, auth, maxBodyBytes))

  // A plugin's routes use the database its setup was handed: open it (running the setups) first.
  const openDatabase: MiddlewareHandler = async (_, next) => {
    await db.ready()
    await next()
  }
  for (const plugin of db.plugins) {
    const routes = plugin.routes
    if (routes === undefined) continue
    // The plugin's app sees paths below its prefix, and the runtime's env and context (Workers bindings).
    app.all(`/plugins/${plugin.name}/*`, auth.require(pluginScope), openDatabase, mount((request, ...rest) => routes.fetch(request, ...(rest as never[]))))
  }
  for (const { path, plugin: name } of ROOT_PLUGIN_ROUTES) {
    const routes = db.plugins.find((plugin) => plugin.name === name)?.routes
    if (routes === undefined) app.post(path, auth.require('ingest'), () => httpError(404, 'NOT_FOUND', `no route POST ${path}: the "${name}" plugin serves it, and it is not loaded`, { plugin: name }))
    else app.post(path, auth.require('ingest'), openDatabase, mount((request, ...rest) => routes.fetch(request, ...(rest as never[])), { replaceRequest: false }))
  }
  return app
}
