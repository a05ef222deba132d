import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest'
import { DB, definePlugin, defineView, ParqueDBError } from './index.ts'

const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of closers.splice(0)) await close()
})

function open<T extends { close(): Promise<void> }>(db: T): T {
  closers.push(() => db.close())
  return db
}

const schema = {
  Customer: { name: 'string!', tier: 'string?' },
  Order: { total: 'decimal(10,2)!', status: 'string!', placedAt: 'timestamp?', tags: 'string[]', big: 'bigint?', customer: '-> Customer', lines: '<- Line[]' },
  Line: { order: '-> Order!', sku: 'string!', qty: 'int!', price: 'decimal(30,4)!' },
  PaidOrders: defineView({ $from: 'Order', $filter: { status: 'paid' } }),
} as const

describe('DB()', () => {
  it('opens synchronously; entries are typed from the schema and work before the open finishes', async () => {
    const db = open(DB(schema, { storage: { type: 'memory' } }))
    const order = await db.Order.create({ total: 19.99, status: 'paid', tags: ['a'] })
    expectTypeOf(order.total).toEqualTypeOf<number>()
    expectTypeOf(order.status).toEqualTypeOf<string>()
    expectTypeOf(order.placedAt).toEqualTypeOf<Date | null>()
    expectTypeOf(order.tags).toEqualTypeOf<string[] | null>()
    expectTypeOf(order.big).toEqualTypeOf<bigint | null>()
    expectTypeOf(order.customer).toEqualTypeOf<string | null>()
    expectTypeOf(order.createdAt).toEqualTypeOf<Date>()
    expectTypeOf(order).not.toHaveProperty('lines')
    const [line] = await db.Line.find({})
    if (line) expectTypeOf(line.price).toEqualTypeOf<number | string>() // wider than 15 digits: may come as text
    // @ts-expect-error status is required
    void (() => db.Order.create({ total: 1 }))
    expect(order.total).toBe(19.99)
    const paid = await db.PaidOrders.find({})
    expect(paid.map((row) => row.$id)).toEqual([order.$id])
    expect(paid.meta).toMatchObject({ servedFrom: 'view', stale: false })
    expect(await db.views.PaidOrders.count()).toBe(1)
    expect((await db.getViewState('PaidOrders')).state).toBe('fresh')
    expect((await db.listViews()).map((view) => view.name)).toEqual(['PaidOrders'])
    const rows = await db.sql`SELECT status, COUNT(*) AS n FROM "Order" GROUP BY status`
    expect(rows).toEqual([{ status: 'paid', n: 1 }])
    expect((await db.Order.find({ status: 'paid', total: { $gt: 5 } })).meta.servedFrom).toBe('view')
  })

  it('keeps data on fs across a reopen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parquedb-db-'))
    closers.push(async () => rmSync(dir, { recursive: true, force: true }))
    const first = DB(schema, { storage: { type: 'fs', path: dir } })
    await first.Customer.bulkCreate([{ name: 'Ada' }, { name: 'Bo', tier: 'gold' }])
    await first.close()
    const second = open(DB(schema, { storage: { type: 'fs', path: dir } }))
    expect((await second.Customer.find({}, { sort: { name: 1 } })).map((row) => [row.name, row.tier])).toEqual([['Ada', null], ['Bo', 'gold']])
  })

  it('refuses bad storage and reports open errors on every call', async () => {
    const db = DB({ Order: { total: 'wat!' } }, { storage: { type: 'memory' } })
    await expect(db.ready()).rejects.toThrow(ParqueDBError)
    await expect(db.Order.find({})).rejects.toThrow(/wat/)
    await expect(DB({}, { storage: { type: 'fs' } as never }).ready()).rejects.toThrow(/needs a path/)
    await expect(DB({}, { storage: { type: 'nope' } as never }).ready()).rejects.toThrow(/unknown type "nope"/)
    await expect(DB({}, {} as never).ready()).rejects.toThrow(/options.storage is required/)
  })
})

describe('plugins', () => {
  const checkout = definePlugin({
    name: 'checkout',
    collections: { CartEvents: { cartId: 'string!', action: 'string!', amount: 'double?' } },
    views: { Abandoned: { $from: 'CartEvents', $filter: { action: 'abandon' } } },
  })

  it('add their collections and views, typed, and run their setup once the database is open', async () => {
    const seen: string[] = []
    const seeded = definePlugin({
      name: 'seeded',
      collections: { Flags: { key: 'string!', on: 'boolean!' } },
      setup: async ({ db, plugin }) => {
        seen.push(plugin)
        await (db as { Flags: { create(row: object): Promise<unknown> } }).Flags.create({ key: 'beta', on: true })
      },
    })
    const db = open(DB({ Order: { total: 'double!' } }, { storage: { type: 'memory' }, plugins: [checkout, seeded] }))
    await db.CartEvents.bulkCreate([{ cartId: 'c1', action: 'abandon', amount: 9 }, { cartId: 'c2', action: 'buy' }])
    const [event] = await db.CartEvents.find({ cartId: 'c1' })
    expectTypeOf(event!.amount).toEqualTypeOf<number | null>()
    expect((await db.Abandoned.find({})).map((row) => row.cartId)).toEqual(['c1'])
    expect((await db.Flags.find({})).map((row) => row.key)).toEqual(['beta'])
    expect(seen).toEqual(['seeded'])
  })

  it('refuse a name defined twice, naming both owners', () => {
    const again = definePlugin({ name: 'again', collections: { CartEvents: { x: 'string?' } } })
    expect(() => DB({}, { storage: { type: 'memory' }, plugins: [checkout, again] })).toThrow(/"CartEvents" is defined twice: by plugin "checkout" and by plugin "again"/)
    expect(() => DB({ Abandoned: { x: 'string?' } }, { storage: { type: 'memory' }, plugins: [checkout] })).toThrow(/"Abandoned" is defined twice: by the schema and by plugin "checkout"/)
    expect(() => DB({}, { storage: { type: 'memory' }, plugins: [checkout, checkout] })).toThrow(/plugin "checkout" is given twice/)
  })

  it('may bring the very same definition (one shared import): it is kept once', async () => {
    const shared = { key: 'string!' } as const
    const first = definePlugin({ name: 'first', collections: { Shared: shared } })
    const second = definePlugin({ name: 'second', collections: { Shared: shared } })
    const db = open(DB({}, { storage: { type: 'memory' }, plugins: [first, second] }))
    await db.Shared.create({ key: 'k' })
    expect(await db.Shared.count()).toBe(1)
    const lookalike = definePlugin({ name: 'lookalike', collections: { Shared: { key: 'string!' } } })
    expect(() => DB({}, { storage: { type: 'memory' }, plugins: [first, lookalike] })).toThrow(/"Shared" is defined twice: by plugin "first" and by plugin "lookalike"/)
  })

  it('are checked where they are defined', () => {
    expect(() => definePlugin({ name: 'Bad Name' })).toThrow(/lowercase/)
    expect(() => definePlugin({ name: 'p', collections: { V: { $from: 'X' } } })).toThrow(/plugin "p": collection "V" has \$from/)
    expect(() => definePlugin({ name: 'p', views: { V: { x: 'string' } } })).toThrow(/plugin "p": view "V" needs \$from/)
    expect(() => definePlugin({ name: 'p', routes: {} as never })).toThrow(/routes must be a hono app/)
    expect(() => definePlugin({ name: 'p', extra: 1 } as never)).toThrow(/unknown key "extra"/)
  })

  it('report a failing setup naming the plugin', async () => {
    const broken = definePlugin({ name: 'broken', setup: () => { throw new Error('no token') } })
    const db = DB({}, { storage: { type: 'memory' }, plugins: [broken] })
    await expect(db.ready()).rejects.toThrow(/plugin "broken": setup failed: no token/)
  })
})
