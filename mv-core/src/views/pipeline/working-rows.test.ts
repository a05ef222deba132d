import { describe, expect, it } from 'vitest'
import { RelatedIndex } from './related-index.ts'
import { NO_RELATED } from './related-rows.ts'
import { sourceProjection } from './source-projection.ts'
import { entity, testPlan } from './test-fixtures.ts'
import { FAN_OUT_POSITION, orderKeyOf, workingRows } from './working-rows.ts'

describe('workingRows', () => {
  it('gives the source row itself when nothing fans out, after the filter', () => {
    const plan = testPlan('RequestsByMethod')
    const row = entity('e1', { scriptName: 'api', event: { request: { method: 'GET' } }, outcome: 'ok' })
    const rows = workingRows(plan, row, NO_RELATED)
    expect(rows).toHaveLength(1)
    expect(rows[0]).toBe(row)
    expect(orderKeyOf(row)).toEqual([row.createdAt, 'e1'])
    expect(workingRows(plan, { ...row, event: null }, NO_RELATED)).toEqual([])
  })

  it('$unnest: one row per element carrying its index, which orders $first/$last within the source row', () => {
    const plan = testPlan('LogLevels')
    const row = entity('e1', { scriptName: 'api', logs: [{ level: 'info' }, null] })
    const rows = workingRows(plan, row, NO_RELATED)
    expect(rows.map((working) => working.logs)).toEqual([{ level: 'info' }, null])
    expect(rows.map((working) => working[FAN_OUT_POSITION])).toEqual([[0], [1]])
    expect(rows.map(orderKeyOf)).toEqual([
      [row.createdAt, 'e1', 0],
      [row.createdAt, 'e1', 1],
    ])
    // The position survives a spread copy but is invisible to keys and JSON.
    const copy = { ...rows[1] }
    expect(orderKeyOf(copy)).toEqual([row.createdAt, 'e1', 1])
    expect(Object.keys(copy)).not.toContain(String(FAN_OUT_POSITION))
    expect(JSON.stringify(rows[0])).not.toContain('fanOut')
    expect(row.logs).toEqual([{ level: 'info' }, null])
  })

  it('$expand: the expanded columns, one row per item, the item id in the position', () => {
    const plan = testPlan('OrderLines')
    const related = new RelatedIndex()
      .add('OrderItem', [
        { $id: 'i1', order: 'o1', quantity: 2, product: 'p1' },
        { $id: 'i2', order: 'o1', quantity: 5, product: 'p2' },
      ])
      .add('Product', [{ $id: 'p1', name: 'Pen', sku: 'PEN', price: 2 }])
    const order = entity('o1', { status: 'paid', total: 9 })
    const rows = workingRows(plan, order, related)
    expect(rows.map((row) => [row.items_quantity, row.items_product_price, row[FAN_OUT_POSITION]])).toEqual([
      [2, 2, ['i1']],
      [5, null, ['i2']],
    ])
    expect(workingRows(plan, entity('o2', { status: 'paid' }), related).map((row) => [row.items_quantity, row[FAN_OUT_POSITION]])).toEqual([[null, [null]]])
  })
})

describe('sourceProjection', () => {
  it('adds the timestamps every output row carries to the fields the view reads', () => {
    expect(sourceProjection(testPlan('WorkerLogs'))).toEqual(['$id', 'createdAt', 'updatedAt', 'scriptName', 'event', 'logs'])
    expect(sourceProjection(testPlan('DailySales'))).toEqual(['$id', 'createdAt', 'updatedAt', 'total', 'status'])
  })
})
