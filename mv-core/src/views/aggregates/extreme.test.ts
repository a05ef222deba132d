import { describe, expect, it } from 'vitest'
import { compareOrder } from './extreme.ts'
import { aggregate, fold, foldValues, resultOf, roundTrip, type Step } from './test-fixtures.ts'

describe('$min and $max', () => {
  const min = aggregate({ $min: 'score' })
  const max = aggregate({ $max: 'score' })

  it('pick the extreme non-null value; null for none', () => {
    expect(resultOf(min, [3, null, 1, 2])).toBe(1)
    expect(resultOf(max, [3, null, 1, 2])).toBe(3)
    expect(resultOf(min, [null])).toBeNull()
    expect(resultOf(max, [])).toBeNull()
  })

  it('order by compareValues: bigints with numbers, strings, Dates by instant', () => {
    expect(resultOf(max, [3, 5n, 4.5])).toBe(5n)
    expect(resultOf(min, ['b', 'B', 'a'])).toBe('B')
    expect(resultOf(max, [new Date(5), new Date(50), new Date(7)])).toEqual(new Date(50))
    // Across kinds the compareValues brackets decide (numbers < strings < booleans < Dates).
    expect(resultOf(min, ['x', 10, true])).toBe(10)
  })

  it('retracting a value that is not the extreme stays exact', () => {
    const state = fold(min, [{ value: 1 }, { value: 5 }, { value: 5, weight: -1 }])
    expect(min.exact(state)).toBe(true)
    expect(min.result(state)).toBe(1)
  })

  it('counts rows at the extreme: retracting one of several stays exact', () => {
    const state = fold(max, [{ value: 9 }, { value: 9 }, { value: 2 }, { value: 9, weight: -1 }])
    expect(max.exact(state)).toBe(true)
    expect(max.result(state)).toBe(9)
    const gone = max.add(state, 9, -1)
    expect(max.exact(gone)).toBe(false)
  })

  it('becomes exact again when a new value reaches or passes the lost extreme', () => {
    const lost = fold(min, [{ value: 1 }, { value: 5 }, { value: 1, weight: -1 }])
    expect(min.exact(lost)).toBe(false)
    expect(min.exact(min.add(lost, 7, 1))).toBe(false) // 7 or 5? the state cannot tell
    const back = fold(min, [{ value: 1 }, { value: 5 }, { value: 1, weight: -1 }, { value: 1 }])
    expect(min.exact(back)).toBe(true)
    expect(min.result(back)).toBe(1)
    const below = fold(min, [{ value: 1 }, { value: 5 }, { value: 1, weight: -1 }, { value: 0 }])
    expect(min.exact(below)).toBe(true)
    expect(min.result(below)).toBe(0)
  })

  it('is exact again once every value is retracted', () => {
    const state = fold(min, [{ value: 1 }, { value: 5 }, { value: 1, weight: -1 }, { value: 5, weight: -1 }])
    expect(min.exact(state)).toBe(true)
    expect(min.result(state)).toBeNull()
    expect(min.isEmpty(state)).toBe(true)
  })

  it('merges, keeping a lost side as a bound', () => {
    const exactSide = foldValues(min, [4, 6])
    const lostSide = fold(min, [{ value: 1 }, { value: 8 }, { value: 1, weight: -1 }])
    // The lost side's minimum is somewhere at or above 1: 4 may or may not be the answer.
    expect(min.exact(min.merge(structuredClone(exactSide), lostSide))).toBe(false)
    // But a side whose minimum is below the lost bound decides it.
    const low = foldValues(min, [0])
    const merged = min.merge(low, lostSide)
    expect(min.exact(merged)).toBe(true)
    expect(min.result(merged)).toBe(0)
  })

  it('counts a retraction beyond the extreme (never added) as inexact', () => {
    const state = fold(max, [{ value: 3 }, { value: 1 }, { value: 10, weight: -1 }])
    expect(max.exact(state)).toBe(false)
  })

  it('round-trips through JSON, Dates and bigints included', () => {
    for (const values of [[new Date(5), new Date(1)], [5n, 2n ** 70n], ['a', 'b'], [{ a: 1 }, [1, 2]], [Number.NaN, 1]]) {
      const state = foldValues(max, values)
      const back = roundTrip(max, state)
      expect(max.result(back)).toEqual(max.result(state))
      expect(max.toJSON(back)).toEqual(max.toJSON(state))
    }
    const lost = fold(max, [{ value: 3 }, { value: 1 }, { value: 3, weight: -1 }])
    expect(max.exact(roundTrip(max, lost))).toBe(false)
  })
})

describe('$first and $last', () => {
  const first = aggregate({ $first: 'status' })
  const last = aggregate({ $last: 'status' })
  const rows: Step[] = [
    { value: 'b', order: [new Date(20), 'id2'] },
    { value: 'a', order: [new Date(10), 'id1'] },
    { value: null, order: [new Date(5), 'id0'] },
    { value: 'c', order: [new Date(30), 'id3'] },
  ]

  it('pick the value of the row with the smallest / largest order key, skipping nulls', () => {
    expect(first.result(fold(first, rows))).toBe('a')
    expect(last.result(fold(last, rows))).toBe('c')
    expect(first.result(first.init())).toBeNull()
  })

  it('compare order keys element by element, a prefix first', () => {
    expect(compareOrder([new Date(1), 'b'], [new Date(1), 'a'])).toBe(1)
    expect(compareOrder([1], [1, 'a'])).toBe(-1)
    expect(compareOrder([2n], [2])).toBe(0)
  })

  it('retract exactly unless the extreme row leaves', () => {
    const kept = fold(first, [...rows, { value: 'c', order: [new Date(30), 'id3'], weight: -1 }])
    expect(first.exact(kept)).toBe(true)
    expect(first.result(kept)).toBe('a')
    const lost = fold(first, [...rows, { value: 'a', order: [new Date(10), 'id1'], weight: -1 }])
    expect(first.exact(lost)).toBe(false)
  })

  it('without an order key, $first keeps the first added value and $last the latest', () => {
    expect(resultOf(first, ['x', 'y', 'z'])).toBe('x')
    expect(resultOf(last, ['x', 'y', 'z'])).toBe('z')
  })

  it('become inexact when a tied row carrying the reported value leaves and tied values differ', () => {
    const tie: Step[] = [
      { value: 'x', order: [1] },
      { value: 'y', order: [1] },
    ]
    const dropReported = fold(first, [...tie, { value: 'x', order: [1], weight: -1 }])
    expect(first.exact(dropReported)).toBe(false)
    const dropOther = fold(first, [...tie, { value: 'y', order: [1], weight: -1 }])
    expect(first.exact(dropOther)).toBe(true)
    expect(first.result(dropOther)).toBe('x')
    const same = fold(first, [{ value: 'x', order: [1] }, { value: 'x', order: [1] }, { value: 'x', order: [1], weight: -1 }])
    expect(first.exact(same)).toBe(true)
  })

  it('merge by order key; $last prefers the later state on a tie', () => {
    const a = fold(last, [{ value: 'a', order: [1] }])
    const b = fold(last, [{ value: 'b', order: [1] }])
    expect(last.result(last.merge(a, b))).toBe('b')
    const c = fold(first, [{ value: 'late', order: [9] }])
    const d = fold(first, [{ value: 'early', order: [2] }])
    expect(first.result(first.merge(c, d))).toBe('early')
  })

  it('copy the order key, so a caller reusing its array does not change the state', () => {
    const order: unknown[] = [1]
    const state = first.add(first.init(), 'x', 1, order)
    order[0] = 99
    expect(first.result(first.add(state, 'y', 1, [50]))).toBe('x')
  })

  it('round-trip through JSON with the order key', () => {
    const state = fold(last, rows)
    const back = roundTrip(last, state)
    expect(last.result(back)).toBe('c')
    expect(last.result(last.add(back, 'd', 1, [new Date(25), 'id9']))).toBe('c')
    expect(last.result(last.add(back, 'e', 1, [new Date(31), 'id9']))).toBe('e')
  })
})
