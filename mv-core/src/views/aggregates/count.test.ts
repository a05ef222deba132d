import { describe, expect, it } from 'vitest'
import { aggregate, fold, foldValues, roundTrip } from './test-fixtures.ts'

describe('$count', () => {
  it("'*' counts rows, nulls included; a field counts non-null values", () => {
    const values = [1, null, 'x', undefined, 0, false]
    expect(aggregate({ $count: '*' }).result(foldValues(aggregate({ $count: '*' }), values))).toBe(6)
    const count = aggregate({ $count: 'items' })
    expect(count.result(foldValues(count, values))).toBe(4)
  })

  it('reads the input with value(): a path, or an expression', () => {
    const items = aggregate({ $count: 'items' })
    expect([{ items: [1] }, { items: null }, {}].map((row) => items.value(row))).toEqual([[1], null, null])
    const errors = aggregate({ $count: { $cond: [{ $exists: '$error' }, 1, null] } })
    expect([{ error: 'x' }, {}].map((row) => errors.value(row))).toEqual([1, null])
  })

  it('is 0, not null, for a group with nothing to count', () => {
    const count = aggregate({ $count: 'x' })
    const state = foldValues(count, [null, null])
    expect(count.result(state)).toBe(0)
    expect(count.isEmpty(state)).toBe(false)
  })

  it('retracts exactly and empties', () => {
    const count = aggregate({ $count: 'x' })
    const state = fold(count, [{ value: 1 }, { value: null }, { value: 1, weight: -1 }])
    expect(count.result(state)).toBe(0)
    expect(count.exact(state)).toBe(true)
    expect(count.isEmpty(state)).toBe(false)
    expect(count.isEmpty(count.add(state, null, -1))).toBe(true)
  })

  it('merges and round-trips through JSON', () => {
    const count = aggregate({ $count: '*' })
    const merged = count.merge(foldValues(count, [1, 2]), foldValues(count, [null]))
    expect(count.result(merged)).toBe(3)
    expect(count.toJSON(merged)).toEqual({ rows: 3, n: 3 })
    expect(count.result(roundTrip(count, merged))).toBe(3)
  })

  it('is inexact only when retractions outnumber adds', () => {
    const count = aggregate({ $count: '*' })
    expect(count.exact(count.add(count.init(), 1, -1))).toBe(false)
  })
})
