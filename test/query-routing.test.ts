import { afterEach, describe, expect, it } from 'vitest'
import { Database, memoryStorage, type CollectionFindOptions, type Filter, type OpenDatabase, type Row } from '@parquedb/mv-core'
import { createRandom, type Random } from '@parquedb/mv-core/testing'
import { findRows } from '../mv-core/src/table/find-rows.ts'
import { includeTree } from '../mv-core/src/routing/include-paths.ts'
import { loadIncludes } from '../mv-core/src/routing/load-includes.ts'
import { compileProjection } from '../mv-core/src/query/project-row.ts'

/**
 * Query routing: a collection query answered from a covering view must give exactly what the
 * source gives (filter, sort, paging, projection and included relations), under random writes
 * to every collection of the commerce seed, dangling and null relations included.
 */

const SCHEMA = {
  Customer: { name: 'string!', email: 'string!', tier: 'string?' },
  Product: { name: 'string!', sku: 'string!', price: 'decimal(10,2)!' },
  Order: { total: 'decimal(10,2)!', status: 'string!', customer: '-> Customer', items: '<- OrderItem[]' },
  OrderItem: { order: '-> Order!', quantity: 'int!', price: 'decimal(10,2)!', product: '-> Product' },
  OrdersFull: { $from: 'Order', $expand: ['customer', 'items', 'items.product'] },
  PaidOrders: { $from: 'Order', $filter: { status: 'paid' }, $expand: ['customer'], $flatten: { customer: 'buyer' } },
  BigOrders: { $from: 'Order', $filter: { total: { $gte: 50 } } },
  OrdersByStatus: { $from: 'Order', $groupBy: ['status'], $compute: { n: { $count: '*' } } },
}

/** [filter, options, the view expected to answer (undefined: the source)]. */
const QUERIES: readonly [Filter, CollectionFindOptions, string | undefined][] = [
  [{ status: 'paid' }, { include: ['customer'], sort: { total: -1, $id: 1 } }, 'OrdersFull'],
  [{}, { include: ['customer', 'items.product'], sort: { total: -1, $id: 1 }, limit: 5, skip: 2 }, 'OrdersFull'],
  [{ status: 'new' }, { include: ['items'], sort: { $id: 1 } }, 'OrdersFull'],
  [{ total: { $gte: 100 } }, { sort: { total: 1, $id: 1 }, limit: 7 }, 'BigOrders'],
  [{ total: { $gte: 100 }, status: { $in: ['paid', 'new'] } }, { project: ['total'] }, 'BigOrders'],
  [{ status: 'paid' }, { include: ['customer'], project: ['status', 'customer.name'], sort: { $id: -1 } }, 'OrdersFull'],
  [{}, { sort: { $id: 1 }, limit: 3 }, undefined],
  [{ total: { $gte: 10 } }, {}, undefined],
  [{ status: 'paid' }, { include: ['customer'], asOf: new Date(Date.now() + 60_000) }, undefined],
]

let db: OpenDatabase | undefined
afterEach(async () => {
  await db?.close()
  db = undefined
})

const money = (random: Random) => Math.floor(random.next() * 20000) / 100

async function randomWrites(database: OpenDatabase, random: Random, rounds: number): Promise<void> {
  const ids: Record<string, string[]> = { Customer: [], Product: [], Order: [], OrderItem: [] }
  const ref = (list: string[]) => (random.next() < 0.1 ? null : random.next() < 0.08 ? 'gone' : (random.pick(list) ?? null))
  for (let round = 0; round < rounds; round++) {
    const customers = await database.collection('Customer').bulkCreate(Array.from({ length: 3 }, () => ({ name: random.pick(['Ada', 'Bo', 'Cy']), email: `${random.int(0, 9)}@x`, tier: random.pick(['gold', null]) })))
    const products = await database.collection('Product').bulkCreate(Array.from({ length: 2 }, () => ({ name: random.pick(['pen', 'ink']), sku: `s${random.int(0, 99)}`, price: money(random) })))
    ids.Customer!.push(...customers.map((row) => row.$id))
    ids.Product!.push(...products.map((row) => row.$id))
    const orders = await database.collection('Order').bulkCreate(Array.from({ length: 6 }, () => ({ total: money(random), status: random.pick(['new', 'paid', 'shipped']), customer: ref(ids.Customer!) })))
    ids.Order!.push(...orders.map((row) => row.$id))
    const items = await database.collection('OrderItem').bulkCreate(Array.from({ length: 10 }, () => ({ order: random.pick(ids.Order!), quantity: random.int(1, 5), price: money(random), product: ref(ids.Product!) })))
    ids.OrderItem!.push(...items.map((row) => row.$id))
    for (let change = 0; change < 6; change++) {
      const entity = random.pick(['Customer', 'Product', 'Order', 'OrderItem'])
      const id = random.pick(ids[entity]!)
      if (id === undefined) continue
      if (random.next() < 0.25) {
        await database.collection(entity).delete(id)
        ids[entity] = ids[entity]!.filter((other) => other !== id)
        continue
      }
      const patch: Row =
        entity === 'Customer' ? { name: random.pick(['Ada', 'Dee']) } : entity === 'Product' ? { price: money(random) } : entity === 'Order' ? random.pick([{ status: 'paid' }, { total: money(random) }, { customer: ref(ids.Customer!) }]) : random.pick([{ quantity: random.int(1, 9) }, { product: ref(ids.Product!) }, { order: random.pick(ids.Order!) }])
      await database.collection(entity).update(id, patch)
    }
    if (round % 3 === 1) await database.flush()
  }
}

/** What the source answers: a find on the table, the includes looked up, then the projection. */
async function fromSource(database: OpenDatabase, filter: Filter, options: CollectionFindOptions): Promise<Row[]> {
  const { include, project, ...rest } = options
  const table = (name: string) => database.collection(name).table
  const rows: Row[] = await findRows(table('Order'), filter, include ? rest : { ...rest, ...(project ? { project } : {}) })
  if (include) {
    const schemas = new Map(database.collectionNames.map((name) => [name, table(name).schema]))
    await loadIncludes(rows, includeTree(include, 'Order', table('Order').schema, schemas), (name, where) => findRows(table(name), where))
    if (project) return rows.map(compileProjection(project, { label: 'Order' }))
  }
  return rows
}

describe('query routing', () => {
  it('answers from a covering view exactly what the source answers, under random writes', async () => {
    db = await Database.open({ storage: memoryStorage(), schema: SCHEMA })
    const random = createRandom(Number(process.env.SEED ?? 4242))
    for (let checkpoint = 0; checkpoint < 4; checkpoint++) {
      await randomWrites(db, random, 3)
      for (const [filter, options, expectedView] of QUERIES) {
        const rows = await db.collection('Order').find(filter, options)
        const what = `${JSON.stringify(filter)} ${JSON.stringify(options)} at checkpoint ${checkpoint}`
        expect(rows.meta.view, `${what}: ${rows.meta.reason}`).toBe(expectedView)
        expect(rows.meta.servedFrom, what).toBe(expectedView === undefined ? 'source' : 'view')
        const expected = await fromSource(db, filter, options)
        // Without a sort the order is the engine's to choose: compare as sets.
        const ordered = (list: Row[]) => (options.sort ? list : [...list].sort((a, b) => String(a.$id).localeCompare(String(b.$id))))
        expect(ordered(rows), what).toEqual(ordered(expected))
      }
    }
  })

  it("explains the choice: every view over the collection with the reason it was or was not used", async () => {
    db = await Database.open({ storage: memoryStorage(), schema: SCHEMA })
    const route = await db.collection('Order').explain({ status: 'completed' }, { include: ['customer', 'items.product'], sort: { createdAt: -1 } })
    expect(route).toMatchObject({ collection: 'Order', servedFrom: 'view', view: 'OrdersFull' })
    expect(route.reason).toMatch(/view "OrdersFull" holds the included relations \(customer, items, items.product\)/)
    expect(Object.fromEntries(route.candidates.map((candidate) => [candidate.view, candidate.used]))).toEqual({ OrdersFull: true, PaidOrders: false, BigOrders: false, OrdersByStatus: false })
    const reasons = Object.fromEntries(route.candidates.map((candidate) => [candidate.view, candidate.reason]))
    expect(reasons.PaidOrders).toMatch(/its \$filter \{"status":"paid"\} does not follow from the query's filter/)
    expect(reasons.BigOrders).toMatch(/does not follow/)
    expect(reasons.OrdersByStatus).toMatch(/groups rows/)
    const plain = await db.collection('Order').explain({}, {})
    expect(plain.servedFrom).toBe('source')
    expect(plain.candidates.find((candidate) => candidate.view === 'OrdersFull')?.reason).toMatch(/covers the query but holds every row of Order: reading it is no cheaper than the source/)
  })

  it('answers from the source when the covering view is stale past its grace period, and says so', async () => {
    db = await Database.open({
      storage: memoryStorage(),
      schema: { ...SCHEMA, PaidOrders: { ...SCHEMA.PaidOrders, $refresh: { mode: 'manual', gracePeriod: '1s' } } },
    })
    const order = await db.collection('Order').create({ total: 5, status: 'paid' })
    await db.refreshView('PaidOrders')
    const fresh = await db.collection('Order').find({ status: 'paid', total: { $lt: 10 } })
    expect(fresh.meta).toMatchObject({ servedFrom: 'view', view: 'PaidOrders', stale: false })
    await db.collection('Order').update(order.$id, { $set: { total: 7 } })
    await db.flush()
    const withinGrace = await db.collection('Order').find({ status: 'paid', total: { $lt: 10 } })
    expect(withinGrace.meta).toMatchObject({ servedFrom: 'view', view: 'PaidOrders', stale: true })
    expect(withinGrace.map((row) => row.total)).toEqual([5])
    await new Promise((resolve) => setTimeout(resolve, 1100))
    const past = await db.collection('Order').find({ status: 'paid', total: { $lt: 10 } })
    expect(past.meta.servedFrom).toBe('source')
    expect(past.meta.candidates.find((candidate) => candidate.view === 'PaidOrders')?.reason).toMatch(/is stale .* past its grace period of 1000 ms/)
    expect(past.map((row) => row.total)).toEqual([7])
  })

  it('refuses an include that is not a relation path, naming it', async () => {
    db = await Database.open({ storage: memoryStorage(), schema: SCHEMA })
    await expect(db.collection('Order').find({}, { include: ['custmer'] })).rejects.toThrow(/collection "Order": find option "include": "custmer" of Order is not a field \(relations of Order: customer, items\)/)
    await expect(db.collection('Order').find({}, { include: ['total'] })).rejects.toThrow(/"total" of Order is decimal\(10,2\)!, not a relation/)
    await expect(db.collection('Order').find({}, { include: 'customer' as never })).rejects.toThrow(/expected a list of relation paths/)
    await expect(db.views.PaidOrders!.find({}, { include: ['customer'] } as never)).rejects.toThrow(/unknown find option "include"/)
  })
})
