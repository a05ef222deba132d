import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Database, memoryStorage, memoryWal, type Row } from '@parquedb/mv-core'
import { expectSameRows } from './support/same-rows.ts'

/**
 * The differential suite for views that `$expand` relations: the commerce collections of the
 * seed (Customer, Product, Order, OrderItem), where not only orders change but also the
 * customers, items and products their views reach. After random writes to all four, flushes,
 * crashes and refreshes, every view must equal its own full refresh and DuckDB joining the raw
 * rows. DIFF_RUNS, DIFF_MAX_OPS and DIFF_SEED work as in views-differential.test.ts.
 */

const RUNS = Number(process.env.DIFF_RUNS ?? 25)
const MAX_OPS = Number(process.env.DIFF_MAX_OPS ?? 30)

// The seed's OrderAnalytics and DailySales (streaming here: a scheduled view is not maintained
// incrementally), plus two grouped views that read through relations: one grouped by a related
// field, one aggregating over items and their products.
const schema = {
  Customer: { name: 'string!', email: 'string!', tier: 'string?' },
  Product: { name: 'string!', sku: 'string!', price: 'decimal(10,2)!' },
  Order: { total: 'decimal(10,2)!', status: 'string!', customer: '-> Customer', items: '<- OrderItem[]' },
  OrderItem: { order: '-> Order!', quantity: 'int!', price: 'decimal(10,2)!', product: '-> Product' },
  OrderAnalytics: { $from: 'Order', $expand: ['customer', 'items.product'], $flatten: { customer: 'buyer' } },
  DailySales: {
    $from: 'Order',
    $groupBy: [{ date: '$createdAt' }, 'status'],
    $compute: { orderCount: { $count: '*' }, revenue: { $sum: 'total' }, avgOrder: { $avg: 'total' } },
  },
  TierRevenue: { $from: 'Order', $groupBy: ['customer.tier'], $compute: { orders: { $count: '*' }, revenue: { $sum: 'total' }, biggest: { $max: 'total' } } },
  ItemLines: {
    $from: 'Order',
    $expand: ['items', 'items.product'],
    $groupBy: ['status'],
    $compute: { lines: { $count: 'items.quantity' }, units: { $sum: 'items.quantity' }, topPrice: { $max: 'items.product.price' } },
  },
}

type Entity = 'Customer' | 'Product' | 'Order' | 'OrderItem'
const ENTITIES: readonly Entity[] = ['Customer', 'Product', 'Order', 'OrderItem']
const VIEWS = ['OrderAnalytics', 'DailySales', 'TierRevenue', 'ItemLines'] as const
type ViewName = (typeof VIEWS)[number]

/** Hand-written SQL over the tables customers, products, orders and items (see loadSources). */
const ORACLES: Record<ViewName, { keys: readonly string[] | null; sql: string }> = {
  OrderAnalytics: {
    keys: null,
    sql: `SELECT CASE WHEN i.id IS NULL THEN o.id ELSE o.id || '#' || i.id END AS "$id", o.total AS total, o.status, o.customer,
        c.name AS buyer_name, c.email AS buyer_email, c.tier AS buyer_tier,
        p.name AS items_product_name, p.sku AS items_product_sku, p.price AS items_product_price
      FROM orders o LEFT JOIN customers c ON c.id = o.customer LEFT JOIN items i ON i.order_id = o.id LEFT JOIN products p ON p.id = i.product`,
  },
  DailySales: {
    keys: ['date', 'status'],
    sql: `SELECT strftime(created, '%Y-%m-%d') AS date, status, count(*)::DOUBLE AS orderCount, sum(total) AS revenue, avg(total) AS avgOrder
      FROM orders GROUP BY ALL`,
  },
  TierRevenue: {
    keys: ['customer_tier'],
    sql: `SELECT c.tier AS customer_tier, count(*)::DOUBLE AS orders, sum(o.total) AS revenue, max(o.total) AS biggest
      FROM orders o LEFT JOIN customers c ON c.id = o.customer GROUP BY ALL`,
  },
  ItemLines: {
    keys: ['status'],
    sql: `SELECT o.status, count(i.quantity)::DOUBLE AS lines, sum(i.quantity)::DOUBLE AS units, max(p.price) AS topPrice
      FROM orders o LEFT JOIN items i ON i.order_id = o.id LEFT JOIN products p ON p.id = i.product GROUP BY ALL`,
  },
}

// ---------------------------------------------------------------------------------------------
// Workloads: ids are picked among the live ones when an op runs.

type Op =
  | { kind: 'insert'; entity: Entity; size: number; picks: number[]; values: number[] }
  | { kind: 'update'; entity: Entity; pick: number; field: number; value: number; other: number }
  | { kind: 'delete'; entity: Entity; pick: number }
  | { kind: 'flush' }
  | { kind: 'crash' }
  | { kind: 'refresh'; view: ViewName; full: boolean }

const entityArb = fc.constantFrom<Entity>(...ENTITIES)
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('insert' as const),
      entity: entityArb,
      size: fc.integer({ min: 1, max: 4 }),
      picks: fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
      values: fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
    }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('update' as const), entity: entityArb, pick: fc.nat(), field: fc.nat(), value: fc.nat(), other: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), entity: entityArb, pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'flush' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'crash' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('refresh' as const), view: fc.constantFrom(...VIEWS), full: fc.boolean() }) },
)

const TIERS = ['gold', 'silver', null]
const STATUSES = ['new', 'paid', 'shipped']
const pick = <T>(list: readonly T[], n: number): T | undefined => (list.length === 0 ? undefined : list[n % list.length])
/** A relation to a live entity, mostly; sometimes none, sometimes one that does not exist. */
const refTo = (ids: readonly string[], n: number): string | null => (n % 7 === 0 ? null : n % 11 === 0 ? 'gone' : (pick(ids, n) ?? null))
const money = (n: number) => (n % 997) / 4

function newRow(entity: Entity, index: number, picks: readonly number[], values: readonly number[], ids: Record<Entity, string[]>): Row | undefined {
  const p = picks[index % picks.length] as number
  const v = values[index % values.length] as number
  switch (entity) {
    case 'Customer':
      return { name: `c${v % 5}`, email: `c${v % 3}@x`, tier: TIERS[v % 3] }
    case 'Product':
      return { name: `p${v % 4}`, sku: `s${v % 6}`, price: money(v) }
    case 'Order':
      return { total: money(v), status: STATUSES[v % 3], customer: refTo(ids.Customer, p) }
    case 'OrderItem': {
      const order = pick(ids.Order, p)
      return order === undefined ? undefined : { order, quantity: 1 + (v % 5), price: money(v), product: refTo(ids.Product, v) }
    }
  }
}

function patchFor(entity: Entity, field: number, value: number, other: number, ids: Record<Entity, string[]>): Row {
  switch (entity) {
    case 'Customer':
      return [{ tier: TIERS[value % 3] }, { name: `c${value % 5}` }, { email: `c${value % 3}@x`, tier: TIERS[other % 3] }][field % 3] as Row
    case 'Product':
      return [{ price: money(value) }, { name: `p${value % 4}` }, { sku: `s${value % 6}`, price: money(other) }][field % 3] as Row
    case 'Order':
      return [{ status: STATUSES[value % 3] }, { total: money(value) }, { customer: refTo(ids.Customer, value) }][field % 3] as Row
    case 'OrderItem': {
      const order = pick(ids.Order, other)
      return [{ quantity: 1 + (value % 5) }, { product: refTo(ids.Product, value) }, order === undefined ? { price: money(value) } : { order }][field % 3] as Row
    }
  }
}

// ---------------------------------------------------------------------------------------------
// DuckDB over the raw rows.

let instance: DuckDBInstance
let connection: DuckDBConnection

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:')
  connection = await instance.connect()
  await connection.run("SET TimeZone = 'UTC'")
})

afterAll(() => {
  connection.closeSync()
  instance.closeSync()
})

const text = (value: unknown) => (value === null || value === undefined ? 'NULL' : `'${String(value).replaceAll("'", "''")}'`)
const number = (value: unknown) => (typeof value === 'number' ? String(value) : 'NULL')

async function load(table: string, columns: string, rows: readonly Row[], values: (row: Row) => string[]): Promise<void> {
  await connection.run(`CREATE OR REPLACE TABLE ${table} (${columns})`)
  if (rows.length > 0) await connection.run(`INSERT INTO ${table} VALUES ${rows.map((row) => `(${values(row).join(', ')})`).join(', ')}`)
}

async function loadSources(db: Database): Promise<void> {
  await load('customers', 'id VARCHAR, name VARCHAR, email VARCHAR, tier VARCHAR', await db.collection('Customer').find(), (row) => [text(row.$id), text(row.name), text(row.email), text(row.tier)])
  await load('products', 'id VARCHAR, name VARCHAR, sku VARCHAR, price DOUBLE', await db.collection('Product').find(), (row) => [text(row.$id), text(row.name), text(row.sku), number(row.price)])
  await load('orders', 'id VARCHAR, total DOUBLE, status VARCHAR, customer VARCHAR, created TIMESTAMP', await db.collection('Order').find(), (row) => [
    text(row.$id),
    number(row.total),
    text(row.status),
    text(row.customer),
    `epoch_ms(${(row.createdAt as Date).getTime()})`,
  ])
  await load('items', 'id VARCHAR, order_id VARCHAR, quantity INTEGER, price DOUBLE, product VARCHAR', await db.collection('OrderItem').find(), (row) => [
    text(row.$id),
    text(row.order),
    number(row.quantity),
    number(row.price),
    text(row.product),
  ])
}

async function oracleRows(view: ViewName): Promise<Row[]> {
  return (await connection.runAndReadAll(ORACLES[view].sql)).getRowObjectsJS() as Row[]
}

// ---------------------------------------------------------------------------------------------

const open = (storage: ReturnType<typeof memoryStorage>, wal: ReturnType<typeof memoryWal>) =>
  Database.open({ storage, wal, schema, flush: { maxRows: 20, maxAgeMs: 60_000, rowGroupSize: 8 } })

async function runWorkload(ops: readonly Op[]): Promise<void> {
  const storage = memoryStorage()
  const wal = memoryWal()
  let db = await open(storage, wal)
  const ids: Record<Entity, string[]> = { Customer: [], Product: [], Order: [], OrderItem: [] }
  try {
    for (const op of ops) {
      if (op.kind === 'insert') {
        const rows = Array.from({ length: op.size }, (_, index) => newRow(op.entity, index, op.picks, op.values, ids)).filter((row): row is Row => row !== undefined)
        if (rows.length > 0) ids[op.entity].push(...(await db.collection(op.entity).bulkCreate(rows)).map((row) => row.$id))
      } else if (op.kind === 'update') {
        const id = pick(ids[op.entity], op.pick)
        if (id !== undefined) await db.collection(op.entity).update(id, patchFor(op.entity, op.field, op.value, op.other, ids))
      } else if (op.kind === 'delete' && ids[op.entity].length > 0) {
        const [id] = ids[op.entity].splice(op.pick % ids[op.entity].length, 1)
        await db.collection(op.entity).delete(id as string)
      } else if (op.kind === 'flush') {
        await db.flush()
      } else if (op.kind === 'crash') {
        await db.views.drain()
        for (const entity of ENTITIES) await db.collection(entity).table.idle()
        db = await open(storage, wal)
      } else if (op.kind === 'refresh') {
        await db.refreshView(op.view, { full: op.full })
      }
    }
    await db.views.drain()
    await loadSources(db)
    const incremental = new Map<ViewName, Row[]>()
    for (const view of VIEWS) incremental.set(view, await db.views.find(view, {}))
    for (const view of VIEWS) {
      const rows = incremental.get(view) ?? []
      expectSameRows(rows, await oracleRows(view), ORACLES[view].keys, `${view}: incremental vs DuckDB`)
      await db.refreshView(view, { full: true })
      expectSameRows(await db.views.find(view, {}), rows, ORACLES[view].keys, `${view}: full refresh vs incremental`)
    }
  } finally {
    await db.close()
  }
}

describe('$expand views against DuckDB through the database', () => {
  it('a fixed workload reaches every column of every view', async () => {
    const db = await open(memoryStorage(), memoryWal())
    const [gold, plain] = await db.collection('Customer').bulkCreate([{ name: 'Ada', email: 'a@x', tier: 'gold' }, { name: 'Bob', email: 'b@x' }])
    const [pen] = await db.collection('Product').bulkCreate([{ name: 'pen', sku: 'P1', price: 2.5 }])
    const [o1, o2] = await db.collection('Order').bulkCreate([
      { total: 10, status: 'paid', customer: gold!.$id },
      { total: 20, status: 'new', customer: plain!.$id },
      { total: 5, status: 'new' },
    ])
    await db.collection('OrderItem').bulkCreate([
      { order: o1!.$id, quantity: 2, price: 2.5, product: pen!.$id },
      { order: o1!.$id, quantity: 1, price: 9, product: null },
      { order: o2!.$id, quantity: 3, price: 2.5, product: pen!.$id },
    ])
    await db.collection('Customer').update(plain!.$id, { tier: 'silver' })
    await db.collection('Product').update(pen!.$id, { price: 3 })
    await db.views.drain()
    await loadSources(db)
    for (const view of VIEWS) expectSameRows(await db.views.find(view, {}), await oracleRows(view), ORACLES[view].keys, view)
    expect(await db.views.OrderAnalytics!.count()).toBe(4)
    const [silver] = await db.views.TierRevenue!.find({ customer_tier: 'silver' })
    expect([silver?.orders, Number(silver?.revenue)]).toEqual([1, 20])
    expect(await db.views.ItemLines!.find({ status: 'new' })).toMatchObject([{ lines: 1, units: 3, topPrice: 3 }])
    await db.close()
  }, 60_000)

  it('every view equals its full refresh and DuckDB after random writes to orders, items, customers and products', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: MAX_OPS, size: 'max' }), (ops) => runWorkload(ops)),
      { numRuns: RUNS, timeout: 15_000, ...(process.env.DIFF_SEED ? { seed: Number(process.env.DIFF_SEED) } : {}) },
    )
  }, 600_000)
})
