import { Hono } from 'hono'
import { afterEach, describe, expect, it } from 'vitest'
import type { AuthToken, Scope } from '../config.ts'
import { DB, definePlugin, defineView } from '../index.ts'
import { createHttpApp } from './create-http-app.ts'

const TOKENS = {
  read: 'read-token-0123456789',
  ingest: 'ingest-token-0123456789',
  admin: 'admin-token-0123456789',
  readIngest: 'read-ingest-token-0123456789',
} as const
const tokens: AuthToken[] = [
  { token: TOKENS.read, scopes: ['read'], name: 'dashboard' },
  { token: TOKENS.ingest, scopes: ['ingest'], name: 'collector' },
  { token: TOKENS.admin, scopes: ['admin'] },
  { token: TOKENS.readIngest, scopes: ['read', 'ingest'] },
]

const plugin = definePlugin({
  name: 'hooks',
  routes: new Hono().get('/ping', (c) => c.json({ pong: true })).post('/events', (c) => c.json({ ok: true })),
})
const schema = {
  Order: { total: 'double!', status: 'string!' },
  Paid: defineView({ $from: 'Order', $filter: { status: 'paid' } }),
} as const

interface RouteCase {
  readonly method: string
  readonly path: string
  readonly body?: unknown
  readonly scope: Scope
  /** A token that is known but lacks the scope. */
  readonly lacking: string
}

const ROUTES: RouteCase[] = [
  { method: 'GET', path: '/collections/Order', scope: 'read', lacking: TOKENS.ingest },
  { method: 'POST', path: '/collections/Order/query', body: { limit: 1 }, scope: 'read', lacking: TOKENS.ingest },
  { method: 'GET', path: '/views', scope: 'read', lacking: TOKENS.ingest },
  { method: 'GET', path: '/views/Paid', scope: 'read', lacking: TOKENS.ingest },
  { method: 'POST', path: '/views/Paid/query', body: {}, scope: 'read', lacking: TOKENS.ingest },
  { method: 'GET', path: '/views/Paid/state', scope: 'read', lacking: TOKENS.ingest },
  { method: 'GET', path: '/views/Paid/history', scope: 'read', lacking: TOKENS.ingest },
  { method: 'POST', path: '/sql', body: { query: 'SELECT COUNT(*) AS n FROM "Order"' }, scope: 'read', lacking: TOKENS.ingest },
  { method: 'GET', path: '/dashboards', scope: 'read', lacking: TOKENS.ingest },
  { method: 'GET', path: '/plugins/hooks/ping', scope: 'read', lacking: TOKENS.ingest },
  { method: 'POST', path: '/collections/Order', body: [{ total: 1, status: 'paid' }], scope: 'ingest', lacking: TOKENS.read },
  { method: 'POST', path: '/plugins/hooks/events', body: {}, scope: 'ingest', lacking: TOKENS.read },
  { method: 'POST', path: '/views/Paid/refresh?full=true', scope: 'admin', lacking: TOKENS.readIngest },
  { method: 'DELETE', path: '/views/Paid', scope: 'admin', lacking: TOKENS.readIngest },
]

const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of closers.splice(0)) await close()
})

function setup() {
  const db = DB(schema, { storage: { type: 'memory' }, plugins: [plugin] })
  closers.push(() => db.close())
  const app = createHttpApp(db, { tokens })
  return (route: RouteCase, authorization?: string) =>
    app.request(route.path, {
      method: route.method,
      headers: { ...(authorization === undefined ? {} : { authorization }), ...(route.body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(route.body === undefined ? {} : { body: JSON.stringify(route.body) }),
    })
}

describe('bearer auth', () => {
  it.each(ROUTES)('$method $path needs $scope: 401 without a token or with an unknown one, 403 without the scope, 2xx with it', async (route) => {
    const send = setup()
    const missing = await send(route)
    expect(missing.status).toBe(401)
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/)
    expect(await missing.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } })
    const unknown = await send(route, 'Bearer not-a-known-token-000000')
    expect(unknown.status).toBe(401)
    expect(unknown.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/)
    expect((await send(route, `Basic ${TOKENS.admin}`)).status).toBe(401)
    const lacking = await send(route, `Bearer ${route.lacking}`)
    expect(lacking.status).toBe(403)
    expect(await lacking.json()).toMatchObject({ error: { code: 'FORBIDDEN', details: { scope: route.scope } } })
    if (route.scope !== 'admin') {
      const scoped = await send(route, `Bearer ${route.scope === 'read' ? TOKENS.read : TOKENS.ingest}`)
      expect(scoped.status, await scoped.clone().text()).toBeGreaterThanOrEqual(200)
      expect(scoped.status).toBeLessThan(300)
    }
    const admin = await send(route, `bearer ${TOKENS.admin}`)
    expect(admin.status, await admin.clone().text()).toBeGreaterThanOrEqual(200)
    expect(admin.status).toBeLessThan(300)
  })

  it('names the token and the scope it lacks', async () => {
    const send = setup()
    const response = await send(ROUTES.find((route) => route.scope === 'ingest')!, `Bearer ${TOKENS.read}`)
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/token "dashboard" lacks the "ingest" scope/)
    expect(response.headers.get('www-authenticate')).toMatch(/error="insufficient_scope", scope="ingest"/)
  })

  it('leaves /health and /openapi.json open', async () => {
    const send = setup()
    expect((await send({ method: 'GET', path: '/health', scope: 'read', lacking: '' })).status).toBe(200)
    expect((await send({ method: 'GET', path: '/openapi.json', scope: 'read', lacking: '' })).status).toBe(200)
  })

  it('refuses malformed tokens when the app is created', () => {
    const db = DB({}, { storage: { type: 'memory' } })
    expect(() => createHttpApp(db, { tokens: [{ token: 'short', scopes: ['read'] }] })).toThrow(/auth.tokens\[0\]: a token must be a string of at least 16 characters/)
    expect(() => createHttpApp(db, { tokens: [{ token: 'long enough but spaced', scopes: ['read'] }] })).toThrow(/whitespace/)
    expect(() => createHttpApp(db, { tokens: [{ token: TOKENS.read, scopes: ['write' as Scope], name: 'ci' }] })).toThrow(/auth.tokens\[0\] \("ci"\): scopes must list some of read, ingest, admin/)
    expect(() => createHttpApp(db, { tokens: [{ token: TOKENS.read, scopes: [] }] })).toThrow(/scopes must list/)
  })
})
