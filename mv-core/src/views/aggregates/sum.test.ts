import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { aggregate, fold, foldValues, resultOf, roundTrip } from './test-fixtures.ts'

describe('$sum', () => {
  const sum = aggregate({ $sum: 'x' })

  it('ignores nulls and is null for a group without numeric values, like SQL SUM', () => {
    expect(resultOf(sum, [1, null, 2, undefined])).toBe(3)
    expect(resultOf(sum, [null, null])).toBeNull()
    expect(resultOf(sum, [])).toBeNull()
  })

  it('skips non-numeric values like null', () => {
    expect(resultOf(sum, [1, true, 'abc', new Date(5), { a: 1 }, [2], 2])).toBe(3)
    expect(resultOf(sum, ['x', false])).toBeNull()
  })

  it('adds numeric strings (wide decimals) as doubles', () => {
    expect(resultOf(sum, ['1.5', 2, '-0.25'])).toBe(3.25)
  })

  it('is the correctly rounded double of the exact sum', () => {
    expect(resultOf(sum, [0.1, 0.2, 0.3])).toBe(0.6)
    expect(resultOf(sum, [1e16, 1, -1e16])).toBe(1)
    expect(resultOf(sum, [2 ** 53, 1, 1])).toBe(2 ** 53 + 2)
  })

  it('does not depend on the order of rows', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 })), (values) => {
        expect(resultOf(sum, values)).toBe(resultOf(sum, [...values].reverse()))
      }),
    )
  })

  it('sums integers exactly', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), { minLength: 1 }), (values) => {
        expect(resultOf(sum, values)).toBe(Number(values.reduce((total, value) => total + BigInt(value), 0n)))
      }),
    )
  })

  it('keeps a sum of bigints a bigint, exact beyond 2^64', () => {
    expect(resultOf(sum, [2n ** 63n - 1n, 2n ** 63n - 1n, null])).toBe(2n ** 64n - 2n)
    expect(resultOf(sum, [5n, 1.5])).toBe(6.5)
    expect(resultOf(sum, [2n ** 60n, 1])).toBe(Number(2n ** 60n + 1n))
  })

  it('follows IEEE for infinities and NaN while they are in the group', () => {
    expect(resultOf(sum, [1, Number.POSITIVE_INFINITY])).toBe(Number.POSITIVE_INFINITY)
    expect(resultOf(sum, [Number.NEGATIVE_INFINITY, 1])).toBe(Number.NEGATIVE_INFINITY)
    expect(resultOf(sum, [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])).toBeNaN()
    expect(resultOf(sum, [Number.NaN, 1])).toBeNaN()
    const state = fold(sum, [{ value: 2 }, { value: Number.POSITIVE_INFINITY }, { value: Number.NaN }, { value: Number.NaN, weight: -1 }, { value: Number.POSITIVE_INFINITY, weight: -1 }])
    expect(sum.result(state)).toBe(2)
    expect(sum.result(roundTrip(sum, foldValues(sum, [Number.NaN, Number.NEGATIVE_INFINITY])))).toBeNaN()
  })

  it('reads paths into nested values', () => {
    const price = aggregate({ $sum: 'items.price' })
    expect(price.fields).toEqual(['items'])
    expect(price.value({ items: { price: 5 } })).toBe(5)
  })

  it('sums an expression', () => {
    const errors = aggregate({ $sum: { $cond: [{ $exists: '$error' }, 1, 0] } })
    const rows = [{ error: 'x' }, {}, { error: null }, { error: { code: 1 } }]
    expect(errors.result(foldValues(errors, rows.map((row) => errors.value(row))))).toBe(2)
    expect(errors.fields).toEqual(['error'])
  })
})

describe('$sum over a decimal column (decimalScale)', () => {
  const money = aggregate({ $sum: 'price' }, 2)

  it('adds unscaled integers: exact where doubles drift', () => {
    const values = Array.from({ length: 100 }, () => 1.1)
    expect(resultOf(money, values)).toBe(110)
    // The exact sum of the doubles nearest 1.1 is just above 110.000000000000007.
    expect(resultOf(aggregate({ $sum: 'price' }), values)).toBe(110.00000000000001)
  })

  it('gives a number up to 15 digits and a string with exactly `scale` fractional digits above', () => {
    expect(resultOf(money, [12345678.9, 0.1])).toBe(12345679)
    expect(resultOf(money, ['9999999999999.99', 0.01])).toBe('10000000000000.00')
    expect(resultOf(money, [9999999999999.99])).toBe(9999999999999.99)
    expect(resultOf(money, [-9999999999999.99, -0.01])).toBe('-10000000000000.00')
    expect(resultOf(aggregate({ $sum: 'price' }, 10), ['12345678901234567.1234567890', '0.0000000001'])).toBe('12345678901234567.1234567891')
  })

  it('accepts numbers, decimal strings and bigints; rounds values finer than the scale half away from zero', () => {
    expect(resultOf(money, [1.25, '2.50', 3n])).toBe(6.75)
    expect(resultOf(money, [0.125])).toBe(0.13)
    expect(resultOf(money, ['-0.125'])).toBe(-0.13)
    expect(resultOf(money, ['1e2'])).toBe(100)
  })

  it('retracts exactly and round-trips through JSON', () => {
    const state = fold(money, [{ value: '0.10' }, { value: 0.2 }, { value: 0.3 }, { value: 0.2, weight: -1 }])
    expect(money.result(state)).toBe(0.4)
    expect(money.result(roundTrip(money, state))).toBe(0.4)
    expect(money.toJSON(state)).toEqual({ rows: 2, n: 2, partials: [], big: '40', bigs: 2 })
  })

  it('is null for no values and skips non-numeric ones', () => {
    expect(resultOf(money, [null, 'abc', true])).toBeNull()
  })
})

describe('$avg', () => {
  const avg = aggregate({ $avg: 'x' })

  it('is the exact sum over the count of numeric values, null when none', () => {
    expect(resultOf(avg, [1, 2, null, 3, 'x'])).toBe(2)
    expect(resultOf(avg, [null])).toBeNull()
    expect(resultOf(avg, [0.1, 0.2, 0.3])).toBe(0.6 / 3)
    expect(resultOf(avg, [1n, 2n])).toBe(1.5)
  })

  it('averages booleans turned into numbers by $cond (the cache hit rate)', () => {
    const rate = aggregate({ $avg: { $cond: ['$cached', 1, 0] } })
    const rows = [{ cached: true }, { cached: false }, {}, { cached: true }]
    expect(rate.result(foldValues(rate, rows.map((row) => rate.value(row))))).toBe(0.5)
  })

  it('uses the decimal scale for an exact sum', () => {
    const avgMoney = aggregate({ $avg: 'price' }, 2)
    expect(resultOf(avgMoney, Array.from({ length: 10 }, () => 0.1))).toBe(0.1)
  })

  it('retracts to null', () => {
    const state = fold(avg, [{ value: 4 }, { value: 4, weight: -1 }])
    expect(avg.result(state)).toBeNull()
    expect(avg.isEmpty(state)).toBe(true)
    expect(avg.exact(state)).toBe(true)
  })
})
