import { afterEach, describe, expect, it } from 'vitest'
import { createHttpApp, DB } from 'parquedb'
import { checkoutPack } from '../platform/examples/checkout-pack.ts'

/**
 * A view pack of one's own, used only through the public API: the documented example
 * (docs/plugins.md) ingested over HTTP, read back from its views and its own route.
 */

let close: (() => Promise<void>) | undefined
afterEach(async () => {
  await close?.()
  close = undefined
})

describe('a custom view pack (platform/examples/checkout-pack.ts)', () => {
  it('works end to end: NDJSON over HTTP → views → queries and the pack route over HTTP', async () => {
    const db = DB({}, { storage: { type: 'memory' }, plugins: [checkoutPack] })
    close = () => db.close()
    const app = createHttpApp(db)
    const hour = Date.UTC(2026, 10, 21, 10)
    const events = [
      { cartId: 'c1', action: 'add', sku: 'pen', at: new Date(hour + 60_000) },
      { cartId: 'c1', action: 'checkout', amount: 12.5, at: new Date(hour + 120_000) },
      { cartId: 'c2', action: 'add', sku: 'ink', at: new Date(hour + 180_000) },
      { cartId: 'c2', action: 'abandon', amount: 7.25, at: new Date(hour + 240_000) },
      { cartId: 'c3', action: 'checkout', amount: 30, at: new Date(hour + 3_600_000 + 5_000) },
    ]
    const ingest = await app.request('/collections/CartEvents', {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: events.map((event) => JSON.stringify(event)).join('\n'),
    })
    expect(ingest.status).toBe(201)
    expect(((await ingest.json()) as { inserted: number }).inserted).toBe(5)

    const hours = await app.request(`/views/CartHours?sort=${encodeURIComponent(JSON.stringify({ hour: 1 }))}`)
    expect(hours.status).toBe(200)
    const body = (await hours.json()) as { rows: Record<string, unknown>[]; meta: { servedFrom: string; stale: boolean } }
    expect(body.meta).toMatchObject({ servedFrom: 'view', stale: false })
    expect(body.rows.map((row) => [row.hour, row.events, row.checkouts, row.abandoned, Number(row.revenue)])).toEqual([
      [new Date(hour).toISOString(), 4, 1, 1, 12.5],
      [new Date(hour + 3_600_000).toISOString(), 1, 1, 0, 30],
    ])

    const abandoned = await app.request('/views/AbandonedCarts')
    expect(((await abandoned.json()) as { rows: { cartId: string }[] }).rows.map((row) => row.cartId)).toEqual(['c2'])

    const summary = await app.request('/plugins/checkout/summary')
    expect(summary.status).toBe(200)
    expect(await summary.json()).toEqual({ hours: 2, revenue: 42.5 })

    const dashboards = (await (await app.request('/dashboards')).json()) as unknown
    expect(JSON.stringify(dashboards)).toContain('Revenue per hour')
  })
})
