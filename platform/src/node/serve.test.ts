import { Hono } from 'hono'
import { afterEach, describe, expect, it } from 'vitest'
import { DB, definePlugin, defineView } from '../index.ts'
import { serve } from '../node.ts'

const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close()
})

/** A user's own view pack: a collection, two views over it, a route and a dashboard. */
const checkout = definePlugin({
  name: 'checkout',
  collections: { CartEvents: { cartId: 'string!', action: 'string!', amount: 'double?', at: 'timestamp!' } },
  views: {
    Abandoned: defineView({ $from: 'CartEvents', $filter: { action: 'abandon' } }),
    PerAction: defineView({ $from: 'CartEvents', $groupBy: ['action'], $compute: { carts: { $count: '*' }, amount: { $sum: 'amount' } } }),
  },
  routes: new Hono().get('/hello', (c) => c.json({ hello: 'checkout' })),
  dashboards: [{ id: 'checkout', title: 'Checkout', panels: [{ title: 'Per action', from: 'PerAction', chart: 'bar', fields: ['action', 'carts'] }] }],
})

function open() {
  const db = DB({}, { storage: { type: 'memory' }, plugins: [checkout] })
  closers.push(() => db.close())
  return db
}

async function started(...args: Parameters<typeof serve>) {
  const server = await serve(...args)
  closers.push(() => server.close())
  return server
}

describe('serve', () => {
  it('serves the API over HTTP on loopback: ingest, then the view pack answers', async () => {
    const db = open()
    const lines: string[] = []
    const server = await started(db, { port: 0, log: (line) => lines.push(line), env: {} })
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`)
    expect(server.port).toBeGreaterThan(0)
    expect(lines.join('\n')).toMatch(/unauthenticated and listens on loopback only/)

    const ndjson = [
      { cartId: 'c1', action: 'abandon', amount: 12.5, at: '2024-05-01T10:00:00Z' },
      { cartId: 'c2', action: 'buy', amount: 30, at: '2024-05-01T10:01:00Z' },
      { cartId: 'c3', action: 'abandon', at: '2024-05-01T10:02:00Z' },
    ].map((row) => JSON.stringify(row)).join('\n')
    const ingest = await fetch(`${server.url}/collections/CartEvents`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: ndjson })
    expect(ingest.status).toBe(201)
    expect(await ingest.json()).toMatchObject({ inserted: 3 })

    const abandoned = await fetch(`${server.url}/views/Abandoned?sort=-at&project=cartId,at`)
    const body = (await abandoned.json()) as { rows: { cartId: string; at: string }[]; meta: { servedFrom: string; stale: boolean } }
    expect(body.rows.map((row) => [row.cartId, row.at])).toEqual([['c3', '2024-05-01T10:02:00.000Z'], ['c1', '2024-05-01T10:00:00.000Z']])
    expect(body.meta).toMatchObject({ servedFrom: 'view', stale: false })

    const perAction = await fetch(`${server.url}/views/PerAction/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sort: { action: 1 } }) })
    expect(((await perAction.json()) as { rows: unknown[] }).rows).toEqual([
      expect.objectContaining({ action: 'abandon', carts: 2, amount: 12.5 }),
      expect.objectContaining({ action: 'buy', carts: 1, amount: 30 }),
    ])
    const routed = (await (await fetch(`${server.url}/collections/CartEvents?filter=${encodeURIComponent('{"action":"abandon"}')}`)).json()) as { meta: { servedFrom: string; view: string } }
    expect(routed.meta).toMatchObject({ servedFrom: 'view', view: 'Abandoned' })
    expect(await (await fetch(`${server.url}/plugins/checkout/hello`)).json()).toEqual({ hello: 'checkout' })
    expect(((await (await fetch(`${server.url}/dashboards`)).json()) as { dashboards: { id: string }[] }).dashboards.map((dashboard) => dashboard.id)).toEqual(['checkout'])
    const sql = await fetch(`${server.url}/sql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'SELECT COUNT(*) AS n FROM "CartEvents" WHERE action = $1', params: ['abandon'] }) })
    expect(((await sql.json()) as { rows: unknown[] }).rows).toEqual([{ n: 2 }])
  })

  it('refuses a non-loopback host without tokens, naming it', async () => {
    const db = open()
    await expect(serve(db, { port: 0, host: '0.0.0.0', env: {} })).rejects.toThrow(/refusing to listen on "0.0.0.0" without tokens/)
    await expect(serve(db, { port: 0, host: '192.168.1.20', tokens: [], env: {} })).rejects.toThrow(/"192.168.1.20"/)
    const local = await started(db, { port: 0, host: 'localhost', env: {} })
    expect(local.url).toMatch(/^http:\/\/127\.0\.0\.1:/)
  })

  it('takes one admin token from PARQUEDB_TOKEN, and then may listen beyond loopback', async () => {
    const db = open()
    const token = 'env-token-0123456789abcdef'
    const lines: string[] = []
    const server = await started(db, { port: 0, host: '0.0.0.0', env: { PARQUEDB_TOKEN: token }, log: (line) => lines.push(line) })
    expect(lines.join('\n')).toMatch(/requires a bearer token/)
    const local = `http://127.0.0.1:${server.port}`
    expect((await fetch(`${local}/views`)).status).toBe(401)
    const refreshed = await fetch(`${local}/views/Abandoned/refresh?full=true`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })
    expect(refreshed.status).toBe(200)
    expect((await fetch(`${local}/health`)).status).toBe(200)
    await expect(serve(db, { port: 0, env: { PARQUEDB_TOKEN: 'short' } })).rejects.toThrow(/"PARQUEDB_TOKEN"\): a token must be a string of at least 16 characters/)
  })

  it('reports a port in use and closes cleanly with keep-alive connections open', async () => {
    const db = open()
    const first = await started(db, { port: 0, env: {} })
    await expect(serve(db, { port: first.port, env: {} })).rejects.toThrow(/EADDRINUSE/)
    await fetch(`${first.url}/health`) // leaves an idle keep-alive connection
    await first.close()
    await expect(fetch(`${first.url}/health`)).rejects.toThrow()
  })
})
