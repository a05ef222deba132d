import { describe, expect, it } from 'vitest'
import type { Row } from '../../schema/types.ts'
import { sourcesReaching, type ReachLookups } from './sources-reaching.ts'
import { testPlan } from './test-fixtures.ts'

/** Live entities and earlier images, looked up the way a view does. */
function lookups(live: Record<string, Row[]>, earlier: Record<string, Row[]> = {}): ReachLookups {
  const points = (value: unknown, ids: ReadonlySet<string>) => (Array.isArray(value) ? value : [value]).some((id) => typeof id === 'string' && ids.has(id))
  return {
    byIds: async (collection, ids) => (live[collection] ?? []).filter((row) => ids.has(row.$id as string)),
    referencing: async (collection, field, ids) => (live[collection] ?? []).filter((row) => points(row[field], ids)),
    earlier: (collection) => earlier[collection] ?? [],
    sourceReferencing: async (field, ids) => (live.Order ?? []).filter((row) => points(row[field], ids)).map((row) => row.$id as string),
  }
}

const world = {
  Order: [
    { $id: 'o1', customer: 'c1' },
    { $id: 'o2', customer: 'c2' },
    { $id: 'o3', customer: 'c1' },
  ],
  OrderItem: [
    { $id: 'i1', order: 'o1', product: 'p1' },
    { $id: 'i2', order: 'o2', product: 'p2' },
    { $id: 'i3', order: 'o2', product: 'p1' },
  ],
  Customer: [{ $id: 'c1' }, { $id: 'c2' }],
  Product: [{ $id: 'p1' }, { $id: 'p2' }],
}

describe('sourcesReaching', () => {
  const plan = testPlan('OrderAnalytics') // customer (forward), items.product (reverse, then forward)

  it('walks forward hops back to the orders pointing at a changed customer', async () => {
    expect(await sourcesReaching(plan, new Map([['Customer', new Set(['c1'])]]), lookups(world))).toEqual(new Set(['o1', 'o3']))
  })

  it('walks two hops back from a product, through the items that hold it', async () => {
    expect(await sourcesReaching(plan, new Map([['Product', new Set(['p1'])]]), lookups(world))).toEqual(new Set(['o1', 'o2']))
  })

  it('reaches both the order an item left and the one it joined', async () => {
    const moved = lookups({ ...world, OrderItem: [{ $id: 'i1', order: 'o3', product: 'p1' }] }, { OrderItem: [{ $id: 'i1', order: 'o1', product: 'p1' }] })
    expect(await sourcesReaching(plan, new Map([['OrderItem', new Set(['i1'])]]), moved)).toEqual(new Set(['o1', 'o3']))
  })

  it('reaches through earlier images of entities on the way (an item that held the product before)', async () => {
    const earlier = { OrderItem: [{ $id: 'i2', order: 'o2', product: 'p1' }] }
    const reach = lookups({ ...world, OrderItem: [{ $id: 'i2', order: 'o2', product: 'p2' }] }, earlier)
    expect(await sourcesReaching(plan, new Map([['Product', new Set(['p1'])]]), reach)).toEqual(new Set(['o2']))
  })
})
