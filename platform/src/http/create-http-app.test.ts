import { Hono } from 'hono'
import { afterEach, describe, expect, it } from 'vitest'
import { DB, definePlugin, defineView } from '../index.ts'
import { createHttpApp } from './create-http-app.ts'
import { openApiDocument } from './openapi-document.ts'

const checkout = definePlugin({
  name: 'checkout',
  collections: { CartEvents: { cartId: 'string!', action: 'string!' } },
  views: { Abandoned: { $from: 'CartEvents', $filter: { action: 'abandon' } } },
  routes: new Hono().get('/ping', (c) => c.json({ pong: true })).post('/echo', async (c) => c.json({ got: await c.req.json() })),
  dashboards: [{ id: 'carts', title: 'Carts', panels: [{ title: 'Abandoned', from: 'Abandoned', chart: 'table', fields: ['cartId'] }] }],
})
const broken = definePlugin({
  name: 'broken',
  routes: {
    fetch: () => {
      throw new Error('secret path /etc/passwd')
    },
  },
})

const schema = {
  Customer: { name: 'string!' },
  Order: { total: 'decimal(10,2)!', status: 'string!', placedAt: 'timestamp?', big: 'bigint?', tags: 'string[]', customer: '-> Customer' },
  PaidOrders: defineView({ $from: 'Order', $filter: { status: 'paid' } }),
  Totals: { $from: 'Order', $groupBy: ['status'], $compute: { n: { $count: '*' } }, $refresh: { mode: 'manual' } },
} as const

const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of closers.splice(0)) await close()
})

function setup(options: { maxBodyBytes?: number } = {}) {
  const db = DB(schema, { storage: { type: 'memory' }, plugins: [checkout, broken] })
  closers.push(() => db.close())
  const logged: string[] = []
  const app = createHttpApp(db, { ...options, log: (line) => logged.push(line) })
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const init: RequestInit = { method, headers: { ...headers } }
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body)
      ;(init.headers as Record<string, string>)['content-type'] ??= 'application/json'
    }
    const response = await app.request(path, init)
    const text = await response.text()
    return { status: response.status, headers: response.headers, body: response.headers.get('content-type')?.startsWith('application/json') ? (JSON.parse(text) as any) : text }
  }
  return { db, app, call, logged }
}

describe('ingest: POST /collections/:name', () => {
  it('takes a JSON array, one JSON row or NDJSON, and answers 201 with the ids', async () => {
    const { call, db } = setup()
    const many = await call('POST', '/collections/Order', [{ total: 10, status: 'paid' }, { total: 20.5, status: 'new' }])
    expect(many.status).toBe(201)
    expect(many.body).toEqual({ inserted: 2, ids: [expect.any(String), expect.any(String)] })
    const one = await call('POST', '/collections/Order', { total: 1, status: 'new' })
    expect(one.body.inserted).toBe(1)
    const ndjson = await call('POST', '/collections/Order', '{"total":3,"status":"paid"}\n\n{"total":4,"status":"void"}\n', { 'content-type': 'application/x-ndjson' })
    expect(ndjson).toMatchObject({ status: 201, body: { inserted: 2 } })
    expect(await db.Order.count()).toBe(5)
    expect((await db.Order.get(many.body.ids[1]))?.total).toBe(20.5)
  })

  it('answers 400 naming the row index and field path of a row that does not fit the schema, and writes nothing', async () => {
    const { call, db } = setup()
    const bad = await call('POST', '/collections/Order', [{ total: 1, status: 'ok', tags: ['a'] }, { total: 2, status: 'ok', tags: ['a', 7] }])
    expect(bad.status).toBe(400)
    expect(bad.body.error).toMatchObject({ code: 'VALIDATION', details: { row: 1, field: 'tags[1]' } })
    expect(bad.body.error.message).toMatch(/row 1: field "tags\[1\]"/)
    const missing = await call('POST', '/collections/Order', '{"total":1,"status":"x"}\n{"total":2}', { 'content-type': 'application/x-ndjson' })
    expect(missing.body.error).toMatchObject({ code: 'VALIDATION', details: { row: 1, field: 'status' } })
    expect(await db.Order.count()).toBe(0)
  })

  it('answers 400 for a body that is not JSON, naming the NDJSON row and line', async () => {
    const { call } = setup()
    expect((await call('POST', '/collections/Order', '[{"total":')).body.error).toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/not valid JSON/) })
    const ndjson = await call('POST', '/collections/Order', '{"total":1,"status":"x"}\n\n{oops\n', { 'content-type': 'application/x-ndjson' })
    expect(ndjson.status).toBe(400)
    expect(ndjson.body.error).toMatchObject({ code: 'VALIDATION', details: { row: 1, line: 3 } })
    expect((await call('POST', '/collections/Order', '')).status).toBe(400)
  })

  it('answers 413 for a body over maxBodyBytes, by Content-Length and while streaming', async () => {
    const { app, call } = setup({ maxBodyBytes: 100 })
    const rows = Array.from({ length: 10 }, (_, index) => ({ total: index, status: 'paid' }))
    const declared = await call('POST', '/collections/Order', rows)
    expect(declared.status).toBe(413)
    expect(declared.body.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { maxBodyBytes: 100 } })
    const bytes = new TextEncoder().encode(JSON.stringify(rows))
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < bytes.length; at += 16) controller.enqueue(bytes.slice(at, at + 16))
        controller.close()
      },
    })
    const streamed = await app.request('/collections/Order', { method: 'POST', body: stream, headers: { 'content-type': 'application/json' }, duplex: 'half' } as RequestInit)
    expect(streamed.status).toBe(413)
    expect((await call('POST', '/collections/Order', [{ total: 1, status: 'paid' }])).status).toBe(201)
  })

  it('answers 404 for an unknown collection and 405 for a view or the refresh history', async () => {
    const { call } = setup()
    const unknown = await call('POST', '/collections/Nope', [{}])
    expect(unknown.status).toBe(404)
    expect(unknown.body.error).toMatchObject({ code: 'UNKNOWN_COLLECTION', message: expect.stringMatching(/unknown collection "Nope"/) })
    const view = await call('POST', '/collections/PaidOrders', [{ total: 1, status: 'paid' }])
    expect(view.status).toBe(405)
    expect(view.headers.get('allow')).toBe('GET')
    expect(view.body.error.message).toMatch(/"PaidOrders" is a view: views are read-only/)
    expect((await call('POST', '/collections/RefreshHistory', [{}])).status).toBe(405)
  })
})

describe('queries', () => {
  async function seeded() {
    const context = setup()
    const [ada] = await context.db.Customer.bulkCreate([{ name: 'Ada' }])
    await context.db.Order.bulkCreate([
      { total: 10, status: 'paid', placedAt: new Date('2024-01-02T03:04:05Z'), big: 2n ** 62n, customer: ada!.$id },
      { total: 30, status: 'new' },
      { total: 20, status: 'paid' },
    ])
    return { ...context, ada: ada! }
  }

  it('GET /collections/:name takes filter, sort, limit, skip, project and include; Dates come as ISO strings, bigints as strings', async () => {
    const { call, ada } = await seeded()
    const all = await call('GET', '/collections/Order?sort=-total')
    expect(all.status).toBe(200)
    expect(all.body.rows.map((row: { total: number }) => row.total)).toEqual([30, 20, 10])
    expect(all.body.meta).toMatchObject({ collection: 'Order', servedFrom: expect.any(String), reason: expect.any(String) })
    const filtered = await call('GET', `/collections/Order?filter=${encodeURIComponent('{"status":"paid"}')}&sort=${encodeURIComponent('{"total":1}')}&limit=1&skip=1&project=total,status`)
    expect(filtered.body.rows).toEqual([{ $id: expect.any(String), total: 20, status: 'paid' }])
    expect(filtered.body.meta).toMatchObject({ servedFrom: 'view', view: 'PaidOrders' })
    const withCustomer = await call('GET', '/collections/Order?filter={"total":10}&include=customer')
    expect(withCustomer.body.rows[0]).toMatchObject({ placedAt: '2024-01-02T03:04:05.000Z', big: String(2n ** 62n), customer: { $id: ada.$id, name: 'Ada' } })
  })

  it('takes asOf as a version number or an ISO date', async () => {
    const { call, db } = await seeded()
    await db.Order.flush()
    const version = await db.Order.version()
    await db.Order.create({ total: 99, status: 'new' })
    await db.Order.flush()
    expect((await call('GET', `/collections/Order?asOf=${version}`)).body.rows).toHaveLength(3)
    expect((await call('GET', '/collections/Order')).body.rows).toHaveLength(4)
    expect((await call('POST', '/collections/Order/query', { asOf: new Date().toISOString() })).body.rows).toHaveLength(4)
    expect((await call('GET', '/collections/Order?asOf=yesterday')).body.error).toMatchObject({ code: 'BAD_FILTER', details: { option: 'asOf' } })
  })

  it('POST /collections/:name/query and /views/:name/query take the query as JSON', async () => {
    const { call } = await seeded()
    const collection = await call('POST', '/collections/Order/query', { filter: { total: { $gte: 20 } }, sort: { total: -1 }, project: ['total'] })
    expect(collection.body.rows.map((row: { total: number }) => row.total)).toEqual([30, 20])
    const view = await call('POST', '/views/PaidOrders/query', { filter: { total: { $lt: 15 } } })
    expect(view.body.rows.map((row: { total: number }) => row.total)).toEqual([10])
    expect(view.body.meta).toMatchObject({ servedFrom: 'view', view: 'PaidOrders', stale: false, lagVersions: 0, lagMs: 0, asOf: expect.any(Object) })
    expect((await call('POST', '/views/PaidOrders/query')).body.rows).toHaveLength(2)
  })

  it('GET /views/:name answers with the freshness metadata', async () => {
    const { call } = await seeded()
    const paid = await call('GET', '/views/PaidOrders?sort=total')
    expect(paid.body.rows.map((row: { total: number }) => row.total)).toEqual([10, 20])
    expect(paid.body.meta).toEqual({ servedFrom: 'view', view: 'PaidOrders', asOf: expect.any(Object), lagVersions: 0, lagMs: 0, stale: false })
  })

  it('answers at most 1000 rows when no limit is given, and says whether more match', async () => {
    const { call, db } = setup()
    await db.Order.bulkCreate(Array.from({ length: 1001 }, (_, index) => ({ total: index, status: 'new' })))
    const page = await call('GET', '/collections/Order?sort=total')
    expect(page.body.rows).toHaveLength(1000)
    expect(page.body).toMatchObject({ limit: 1000, more: true })
    const rest = await call('GET', '/collections/Order?sort=total&skip=1000')
    expect(rest.body.rows.map((row: { total: number }) => row.total)).toEqual([1000])
    expect(rest.body).toMatchObject({ limit: 1000, more: false })
    const asked = await call('GET', '/collections/Order?limit=1500')
    expect(asked.body.rows).toHaveLength(1001)
    expect(asked.body).not.toHaveProperty('more')
  })

  it('answers 400 BAD_FILTER naming the problem', async () => {
    const { call } = await seeded()
    const operator = await call('GET', `/collections/Order?filter=${encodeURIComponent('{"total":{"$gtx":1}}')}`)
    expect(operator.status).toBe(400)
    expect(operator.body.error).toMatchObject({ code: 'BAD_FILTER', message: expect.stringMatching(/\$gtx/) })
    expect((await call('GET', '/collections/Order?filter={oops')).body.error).toMatchObject({ code: 'BAD_FILTER', details: { option: 'filter' } })
    expect((await call('GET', '/collections/Order?filter=[1]')).body.error.message).toMatch(/"filter" must be a JSON object/)
    expect((await call('GET', '/collections/Order?limit=ten')).body.error.message).toMatch(/"limit" must be a non-negative integer, got "ten"/)
    expect((await call('GET', '/collections/Order?limt=1')).body.error.message).toMatch(/unknown query parameter "limt"/)
    expect((await call('GET', '/views/PaidOrders?include=customer')).body.error.message).toMatch(/"include" is for collections/)
    expect((await call('POST', '/views/PaidOrders/query', { fliter: {} })).body.error.message).toMatch(/unknown key "fliter"/)
    expect((await call('POST', '/views/PaidOrders/query', '{')).status).toBe(400)
    expect((await call('GET', '/collections/Order?sort={"total":2}')).status).toBe(400)
  })

  it('answers 404 for unknown names, pointing at the right route for a misplaced one', async () => {
    const { call } = await seeded()
    expect((await call('GET', '/collections/Nope')).status).toBe(404)
    const view = await call('GET', '/collections/PaidOrders')
    expect(view.status).toBe(404)
    expect(view.body.error.message).toMatch(/"PaidOrders" is a view, not a collection: use \/views\/PaidOrders/)
    const collection = await call('GET', '/views/Order')
    expect(collection.status).toBe(404)
    expect(collection.body.error.message).toMatch(/"Order" is a collection, not a view: use \/collections\/Order/)
    expect((await call('GET', '/views/Nope')).body.error.code).toBe('NOT_FOUND')
  })
})

describe('views', () => {
  it('lists views with state and lag, and reports one view state', async () => {
    const { call } = setup()
    const list = await call('GET', '/views')
    expect(list.body.views.map((view: { name: string }) => view.name).sort()).toEqual(['Abandoned', 'PaidOrders', 'Totals'])
    expect(list.body.views[0]).toMatchObject({ state: expect.any(String), lag: expect.any(Number), mode: expect.any(String) })
    const state = await call('GET', '/views/Totals/state')
    expect(state.body).toMatchObject({ name: 'Totals', mode: 'manual', state: 'fresh' })
    expect((await call('GET', '/views/Nope/state')).status).toBe(404)
  })

  it('refreshes (full with ?full=true) and lists the refresh history newest first', async () => {
    const { call, db } = setup()
    await db.Order.bulkCreate([{ total: 1, status: 'paid' }, { total: 2, status: 'new' }])
    expect((await call('GET', '/views/Totals/state')).body.state).toBe('stale')
    const incremental = await call('POST', '/views/Totals/refresh')
    expect(incremental.body).toMatchObject({ refreshed: 'Totals', full: false, state: { state: 'fresh' } })
    const full = await call('POST', '/views/Totals/refresh?full=true')
    expect(full.body).toMatchObject({ refreshed: 'Totals', full: true })
    expect((await call('GET', '/views/Totals?sort=status')).body.rows.map((row: { status: string; n: number }) => [row.status, row.n])).toEqual([['new', 1], ['paid', 1]])
    expect((await call('POST', '/views/Totals/refresh?full=yes')).status).toBe(400)

    const history = await call('GET', '/views/Totals/history')
    expect(history.body.rows.map((row: { trigger: string; kind: string }) => [row.trigger, row.kind])).toEqual([['manual', 'full'], ['manual', 'incremental'], ['open', 'full']])
    expect(history.body.rows[0]).toMatchObject({ view: 'Totals', startedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/), durationMs: expect.any(Number), error: null })
    expect((await call('GET', '/views/Totals/history?limit=1')).body.rows).toHaveLength(1)
    expect((await call('GET', '/views/Totals/history?limit=x')).status).toBe(400)
    expect((await call('GET', '/views/Nope/history')).status).toBe(404)
    expect((await call('POST', '/views/Nope/refresh')).status).toBe(404)
  })

  it('drops a view with DELETE', async () => {
    const { call } = setup()
    expect((await call('DELETE', '/views/Totals')).body).toEqual({ dropped: 'Totals' })
    expect((await call('GET', '/views/Totals')).status).toBe(404)
    expect((await call('DELETE', '/views/Totals')).status).toBe(404)
    expect((await call('GET', '/views')).body.views.map((view: { name: string }) => view.name)).not.toContain('Totals')
  })
})

describe('POST /sql', () => {
  it('runs a SELECT with bound parameters, or none', async () => {
    const { call, db } = setup()
    await db.Order.bulkCreate([{ total: 10, status: 'paid' }, { total: 30, status: 'paid' }, { total: 5, status: 'new' }])
    const grouped = await call('POST', '/sql', { query: 'SELECT status, COUNT(*) AS n FROM "Order" WHERE total > $1 GROUP BY status ORDER BY status', params: [6] })
    expect(grouped.status).toBe(200)
    expect(grouped.body.rows).toEqual([{ status: 'paid', n: 2 }])
    expect(grouped.body.meta).toMatchObject({ servedFrom: expect.any(String), stale: false })
    const reused = await call('POST', '/sql', { query: "SELECT total FROM \"Order\" WHERE status = $2 AND total >= $1 AND '$9' = '$9' ORDER BY total", params: [10, 'paid'] })
    expect(reused.body.rows).toEqual([{ total: 10 }, { total: 30 }])
    expect((await call('POST', '/sql', { query: 'SELECT COUNT(*) AS n FROM "Order"' })).body.rows).toEqual([{ n: 3 }])
  })

  it('answers 400 BAD_SQL for SQL the engine cannot run and for parameters that do not match', async () => {
    const { call } = setup()
    const join = await call('POST', '/sql', { query: 'SELECT * FROM "Order" JOIN "Customer" ON true' })
    expect(join.status).toBe(400)
    expect(join.body.error.code).toBe('BAD_SQL')
    expect((await call('POST', '/sql', { query: 'SELEC 1' })).body.error.code).toBe('BAD_SQL')
    expect((await call('POST', '/sql', { query: 'SELECT * FROM "Order" WHERE total > $2', params: [1, 2] })).body.error.message).toMatch(/params\[0\] is not used/)
    expect((await call('POST', '/sql', { query: 'SELECT * FROM "Order" WHERE total > $1' })).body.error.message).toMatch(/placeholder \$1 has no parameter/)
    expect((await call('POST', '/sql', { sql: 'SELECT 1' })).body.error.message).toMatch(/unknown key "sql"/)
    expect((await call('POST', '/sql', { query: 'SELECT 1', params: 'x' })).status).toBe(400)
    expect((await call('POST', '/sql', 'nope')).body.error.code).toBe('BAD_SQL')
    expect((await call('POST', '/sql', { query: 'SELECT * FROM "Nope"' })).body.error).toMatchObject({ code: 'BAD_SQL', message: expect.stringMatching(/Nope/) })
  })
})

describe('health, openapi, dashboards, plugins, errors', () => {
  it('GET /health says whether the database opened', async () => {
    const { call, db } = setup()
    expect(await call('GET', '/health')).toMatchObject({ status: 200, body: { ok: true, database: 'open' } })
    await db.close()
    expect(await call('GET', '/health')).toMatchObject({ status: 503, body: { ok: false, code: 'CLOSED' } })
    const failing = DB({ Order: { total: 'wat!' } }, { storage: { type: 'memory' } })
    const response = await createHttpApp(failing).request('/health')
    expect(response.status).toBe(503)
    expect(await response.json()).toEqual({ ok: false, database: 'unavailable', code: 'SCHEMA' })
  })

  it('refuses a maxBodyBytes that is not a positive integer', () => {
    const { db } = setup()
    expect(() => createHttpApp(db, { maxBodyBytes: 0 })).toThrow(/maxBodyBytes must be a positive integer, got 0/)
  })

  it('answers 503 once the database is closed', async () => {
    const { call, db } = setup()
    await db.close()
    expect(await call('GET', '/collections/Order')).toMatchObject({ status: 503, body: { error: { code: 'CLOSED' } } })
  })

  it('GET /openapi.json describes every route of the app, and only those', async () => {
    const { app, call } = setup()
    const document = (await call('GET', '/openapi.json')).body
    expect(document).toEqual(JSON.parse(JSON.stringify(openApiDocument())))
    expect(document.openapi).toBe('3.1.0')
    expect(document.components.securitySchemes.bearer).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }))
    const METHODS = ['get', 'post', 'put', 'patch', 'delete']
    const documented = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(([path, item]) =>
      Object.keys(item).filter((key) => METHODS.includes(key)).map((method) => `${method.toUpperCase()} ${path}`),
    )
    const served = app.routes
      .filter((route) => route.method !== 'ALL')
      .map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}').replace(/\/$/, '') || '/'}`)
    const plugins = app.routes.filter((route) => route.method === 'ALL' && route.path.startsWith('/plugins/'))
    expect([...new Set(plugins.map((route) => route.path))]).toEqual(['/plugins/checkout/*', '/plugins/broken/*'])
    expect(new Set(documented)).toEqual(new Set([...served, 'GET /plugins/{plugin}/{path}', 'POST /plugins/{plugin}/{path}']))
  })

  it('GET /dashboards lists the plugins\' dashboards', async () => {
    const { call } = setup()
    expect((await call('GET', '/dashboards')).body).toEqual({ dashboards: [{ plugin: 'checkout', id: 'carts', title: 'Carts', panels: [expect.objectContaining({ from: 'Abandoned' })] }] })
  })

  it("mounts each plugin's routes under /plugins/<name>", async () => {
    const { call } = setup()
    expect(await call('GET', '/plugins/checkout/ping')).toMatchObject({ status: 200, body: { pong: true } })
    expect((await call('POST', '/plugins/checkout/echo', { a: 1 })).body).toEqual({ got: { a: 1 } })
    expect((await call('GET', '/plugins/checkout/nope')).status).toBe(404)
    expect((await call('GET', '/plugins/checkoutx/ping')).body.error.code).toBe('NOT_FOUND')
  })

  it('forwards POST /v1/traces and /v1/logs to a plugin named otel, and answers 404 naming it when none is loaded', async () => {
    const { call } = setup()
    expect(await call('POST', '/v1/traces', {})).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND', message: expect.stringMatching(/"otel" plugin/) } } })
    const otel = definePlugin({ name: 'otel', routes: new Hono().post('/v1/logs', async (c) => c.json({ path: new URL(c.req.url).pathname, got: await c.req.json() })) })
    const db = DB({}, { storage: { type: 'memory' }, plugins: [otel] })
    closers.push(() => db.close())
    const app = createHttpApp(db, { tokens: [{ token: 'reader-token-0123456789', scopes: ['read'] }, { token: 'writer-token-0123456789', scopes: ['ingest'] }] })
    const post = (token: string) => app.request('/v1/logs', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"a":1}' })
    expect((await post('reader-token-0123456789')).status).toBe(403)
    expect(await (await post('writer-token-0123456789')).json()).toEqual({ path: '/v1/logs', got: { a: 1 } })
  })

  it('answers unknown routes with a JSON 404 and hides server faults behind "internal error"', async () => {
    const { call, logged } = setup()
    expect(await call('GET', '/nope')).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND', message: expect.stringMatching(/no route GET \/nope/) } } })
    const fault = await call('GET', '/plugins/broken/x')
    expect(fault).toMatchObject({ status: 500, body: { error: { code: 'INTERNAL', message: 'internal error', details: {} } } })
    expect(JSON.stringify(fault.body)).not.toMatch(/passwd|at /)
    expect(logged.join('\n')).toMatch(/secret path \/etc\/passwd/)
  })
})
