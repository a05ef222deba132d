import { describe, expect, it } from 'vitest'
import type { Row } from '../../schema/types.ts'
import { RelatedIndex } from '../pipeline/related-index.ts'
import { NO_RELATED } from '../pipeline/related-rows.ts'
import { entity, testPlan } from '../pipeline/test-fixtures.ts'
import { applyRowChanges } from './apply-row-changes.ts'
import { netChanges } from './net-changes.ts'

const logs = (...levels: string[]) => levels.map((level, index) => ({ level, message: [`m${index}`], timestamp: index }))
const event = (id: string, levels: string[], updatedMinute = 0): Row => entity(id, { scriptName: 'api', outcome: 'ok', event: null, logs: logs(...levels), exceptions: [] }, 0, updatedMinute)
const ids = (rows: readonly Row[]) => rows.map((row) => row.$id)

describe('netChanges', () => {
  it('cancels images inserted and deleted within the batch, as a multiset', () => {
    const [v0, v1, v2] = [event('e', ['a']), event('e', ['b'], 1), event('e', ['c'], 2)]
    expect(netChanges({ inserts: [v1, v2], deletes: [v0, v1] })).toEqual({ inserts: [v2], deletes: [v0] })
    expect(netChanges({ inserts: [v1], deletes: [{ ...v1, logs: logs('b') }] })).toEqual({ inserts: [], deletes: [] })
    expect(netChanges({ inserts: [v1, v1], deletes: [v1] })).toEqual({ inserts: [v1], deletes: [] })
  })
})

describe('applyRowChanges (WorkerLogs)', () => {
  const plan = testPlan('WorkerLogs')

  it('upserts the rows of inserts and deletes those of deletes', () => {
    expect(ids(applyRowChanges(plan, { inserts: [event('e1', ['info', 'warn'])], deletes: [] }, NO_RELATED).upserts)).toEqual(['e1#0', 'e1#1'])
    expect(applyRowChanges(plan, { inserts: [], deletes: [event('e1', ['info', 'warn'])] }, NO_RELATED)).toEqual({ upserts: [], deleteIds: ['e1#0', 'e1#1'] })
  })

  it('an update deletes only the rows it no longer derives', () => {
    const changes = applyRowChanges(plan, { inserts: [event('e1', ['error', 'warn'], 5)], deletes: [event('e1', ['info', 'warn', 'debug'])] }, NO_RELATED)
    expect(ids(changes.upserts)).toEqual(['e1#0', 'e1#1'])
    expect(changes.upserts[0]).toMatchObject({ level: 'error', updatedAt: entity('x', {}, 0, 5).updatedAt })
    expect(changes.deleteIds).toEqual(['e1#2'])
  })

  it('writes nothing for rows an update leaves as they were', () => {
    const before = event('e1', ['info', 'warn'])
    // cpuTime is not selected, and this source keeps updatedAt: both derived rows are unchanged.
    const after = { ...before, logs: [...logs('info'), { level: 'error', message: ['boom'], timestamp: 1 }], cpuTime: 5 }
    const changes = applyRowChanges(plan, { inserts: [after], deletes: [before] }, NO_RELATED)
    expect(changes).toEqual({ upserts: [expect.objectContaining({ $id: 'e1#1', level: 'error' })], deleteIds: [] })
  })

  it('a row created and deleted within the batch leaves nothing', () => {
    const row = event('e2', ['info'])
    expect(applyRowChanges(plan, { inserts: [row], deletes: [row] }, NO_RELATED)).toEqual({ upserts: [], deleteIds: [] })
  })

  it('rows leaving the filter are deleted, rows entering it upserted (WorkerErrors)', () => {
    const errors = testPlan('WorkerErrors')
    const ok = entity('e', { scriptName: 'api', outcome: 'ok', exceptions: [] })
    const failed = { ...ok, outcome: 'exception' }
    expect(applyRowChanges(errors, { inserts: [failed], deletes: [ok] }, NO_RELATED)).toMatchObject({ upserts: [{ $id: 'e', outcome: 'exception' }], deleteIds: [] })
    expect(applyRowChanges(errors, { inserts: [ok], deletes: [failed] }, NO_RELATED)).toEqual({ upserts: [], deleteIds: ['e'] })
  })

  it('refuses grouped views', () => {
    expect(() => applyRowChanges(testPlan('DailySales'), { inserts: [], deletes: [] }, NO_RELATED)).toThrow(/GroupMaintainer/)
  })
})

describe('applyRowChanges with $expand (OrderAnalytics)', () => {
  const plan = testPlan('OrderAnalytics')
  const base = () =>
    new RelatedIndex()
      .add('Customer', [{ $id: 'c1', name: 'Ada', email: 'a@x', tier: 'gold' }])
      .add('Product', [{ $id: 'p1', name: 'Pen', sku: 'PEN', price: 2 }])
      .add('OrderItem', [
        { $id: 'i1', order: 'o1', quantity: 1, price: 2, product: 'p1' },
        { $id: 'i2', order: 'o1', quantity: 2, price: 2, product: 'p1' },
      ])
  const order = entity('o1', { total: 6, status: 'paid', customer: 'c1' })

  it('re-deriving a source row after a related change uses the related rows before and after', () => {
    const before = base()
    const after = base()
    after.delete('OrderItem', 'i1')
    after.add('OrderItem', [{ $id: 'i3', order: 'o1', quantity: 9, price: 2, product: 'p1' }])
    after.add('Customer', [{ $id: 'c1', name: 'Ada', email: 'a@x', tier: 'platinum' }])
    const changes = applyRowChanges(plan, { inserts: [order], deletes: [order] }, after, before)
    expect(ids(changes.upserts)).toEqual(['o1#i2', 'o1#i3'])
    expect(changes.upserts.every((row) => row.buyer_tier === 'platinum')).toBe(true)
    expect(changes.deleteIds).toEqual(['o1#i1'])
  })

  it('an order losing its last item goes back to its row of nulls', () => {
    const before = base()
    const after = base()
    after.delete('OrderItem', 'i1')
    after.delete('OrderItem', 'i2')
    const changes = applyRowChanges(plan, { inserts: [order], deletes: [order] }, after, before)
    expect(changes).toMatchObject({ upserts: [{ $id: 'o1', items_product_name: null }], deleteIds: ['o1#i1', 'o1#i2'] })
  })
})
