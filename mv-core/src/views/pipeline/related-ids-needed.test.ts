import { describe, expect, it } from 'vitest'
import type { Row } from '../../schema/types.ts'
import { deriveRows } from './derive-rows.ts'
import { loadRelated } from './load-related.ts'
import { RelatedIndex } from './related-index.ts'
import { relatedIdsNeeded, type RelatedNeeds } from './related-ids-needed.ts'
import { planOf, testPlan } from './test-fixtures.ts'

const customers: Row[] = [
  { $id: 'c1', name: 'Ada', email: 'a@x', tier: 'gold' },
  { $id: 'c2', name: 'Bo', email: 'b@x', tier: null },
]
const items: Row[] = [
  { $id: 'i1', order: 'o1', quantity: 1, price: 2, product: 'p1' },
  { $id: 'i2', order: 'o1', quantity: 2, price: 3, product: 'p2' },
  { $id: 'i3', order: 'o9', quantity: 1, price: 1, product: 'p3' },
]
const products: Row[] = [
  { $id: 'p1', name: 'Pen', sku: 'PEN', price: 2 },
  { $id: 'p2', name: 'Ink', sku: 'INK', price: 3 },
  { $id: 'p3', name: 'Cap', sku: 'CAP', price: 1 },
]
const orders: Row[] = [
  { $id: 'o1', total: 8, status: 'paid', customer: 'c1' },
  { $id: 'o2', total: 1, status: 'paid', customer: 'c2' },
]

/** A plain-data view of needs, for assertions. */
function plain(needs: RelatedNeeds) {
  return {
    ids: Object.fromEntries([...needs.ids].map(([collection, ids]) => [collection, [...ids].sort()])),
    referencing: Object.fromEntries([...needs.referencing].map(([collection, byField]) => [collection, Object.fromEntries([...byField].map(([field, ids]) => [field, [...ids].sort()]))])),
  }
}

describe('RelatedIndex', () => {
  it('finds entities by id and by the relation pointing back, list relations included', () => {
    const index = new RelatedIndex().add('OrderItem', items).add('Tagged', [{ $id: 't', on: ['o1', 'o2', 'o1'] }])
    expect(index.get('OrderItem', 'i2')).toBe(items[1])
    expect(index.referencing('OrderItem', 'order', 'o1').map((row) => row.$id)).toEqual(['i1', 'i2'])
    expect(index.referencing('Tagged', 'on', 'o1').map((row) => row.$id)).toEqual(['t'])
    index.add('OrderItem', [{ ...items[0], order: 'o2' }])
    expect(index.referencing('OrderItem', 'order', 'o1').map((row) => row.$id)).toEqual(['i2'])
    expect(index.delete('OrderItem', 'i2')).toBe(true)
    expect(index.referencing('OrderItem', 'order', 'o1')).toEqual([])
    expect(index.rows('OrderItem').map((row) => row.$id)).toEqual(['i1', 'i3'])
  })
})

describe('relatedIdsNeeded', () => {
  const plan = testPlan('OrderAnalytics')

  it('asks for the first hop of every path, then the next once the first is loaded', () => {
    expect(plain(relatedIdsNeeded(plan, orders))).toEqual({ ids: { Customer: ['c1', 'c2'] }, referencing: { OrderItem: { order: ['o1', 'o2'] } } })
    const loaded = new RelatedIndex().add('Customer', customers).add('OrderItem', items)
    expect(plain(relatedIdsNeeded(plan, orders, loaded))).toEqual({ ids: { Customer: ['c1', 'c2'], Product: ['p1', 'p2'] }, referencing: { OrderItem: { order: ['o1', 'o2'] } } })
  })

  it('asks nothing for views without $expand, or rows the filter drops', () => {
    expect(plain(relatedIdsNeeded(testPlan('WorkerLogs'), [{ $id: 'e', logs: [{}] }]))).toEqual({ ids: {}, referencing: {} })
    const paid = testPlan('TierRevenue')
    expect(plain(relatedIdsNeeded(paid, [{ $id: 'o', customer: 'c1' }]))).toEqual({ ids: { Customer: ['c1'] }, referencing: {} })
    const filtered = planOf('PaidOrders', { $from: 'Order', $filter: { status: 'paid' }, $expand: ['customer'] })
    expect(plain(relatedIdsNeeded(filtered, [{ $id: 'o', status: 'void', customer: 'c1' }]))).toEqual({ ids: {}, referencing: {} })
  })
})

describe('loadRelated', () => {
  it('loads in rounds, asking each lookup once, until the pipeline needs nothing new', async () => {
    const plan = testPlan('OrderAnalytics')
    const asked: ReturnType<typeof plain>[] = []
    const related = await loadRelated(plan, orders, async (needs) => {
      asked.push(plain(needs))
      const wanted = (collection: string) => needs.ids.get(collection) ?? new Set<string>()
      const itemOrders = needs.referencing.get('OrderItem')?.get('order') ?? new Set<string>()
      return [
        ['Customer', customers.filter((row) => wanted('Customer').has(row.$id as string))],
        ['Product', products.filter((row) => wanted('Product').has(row.$id as string))],
        ['OrderItem', items.filter((row) => itemOrders.has(row.order as string))],
      ] as const
    })
    expect(asked).toEqual([
      { ids: { Customer: ['c1', 'c2'] }, referencing: { OrderItem: { order: ['o1', 'o2'] } } },
      { ids: { Product: ['p1', 'p2'] }, referencing: {} },
    ])
    const everything = new RelatedIndex().add('Customer', customers).add('OrderItem', items).add('Product', products)
    for (const order of orders) expect(deriveRows(plan, order, related)).toEqual(deriveRows(plan, order, everything))
  })
})
