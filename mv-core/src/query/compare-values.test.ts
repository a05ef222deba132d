import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compareDecimal, parseDecimal } from './compare-decimal.ts'
import { compareValues } from './compare-values.ts'
import { valuesEqual } from './values-equal.ts'

describe('compareValues', () => {
  it('orders brackets: null, numbers, strings, booleans, Dates, objects/arrays', () => {
    const values = [{ a: 1 }, new Date(0), true, 'a', 1, null, [1]]
    expect([...values].sort(compareValues)).toEqual([null, 1, 'a', true, new Date(0), [1], { a: 1 }])
  })

  it('orders within brackets', () => {
    expect([3, 1n, Number.NaN, -2.5, 2n].sort(compareValues)).toEqual([Number.NaN, -2.5, 1n, 2n, 3])
    expect(['b', 'B', 'a', '😀', '\uFFFF'].sort(compareValues)).toEqual(['B', 'a', 'b', '😀', '\uFFFF'])
    expect([true, false].sort(compareValues)).toEqual([false, true])
    expect([new Date(5), new Date(-1)].sort(compareValues)).toEqual([new Date(-1), new Date(5)])
    expect(compareValues(undefined, null)).toBe(0)
    expect(compareValues(1n, 1)).toBe(0)
    expect(compareValues({ big: 1n }, { big: 2n })).toBeLessThan(0)
  })

  it('is a total order: antisymmetric and transitive (property)', () => {
    const value = fc.oneof(
      fc.constantFrom<unknown>(null, undefined, Number.NaN, true, false, 'a', 'b', ''),
      fc.integer({ min: -3, max: 3 }),
      fc.bigInt({ min: -3n, max: 3n }),
      fc.double({ noNaN: true }),
      fc.date({ noInvalidDate: true }),
      fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 2 }),
    )
    fc.assert(
      fc.property(value, value, value, (a, b, c) => {
        expect(Math.sign(compareValues(a, b))).toBe(-Math.sign(compareValues(b, a)) || 0)
        if (compareValues(a, b) <= 0 && compareValues(b, c) <= 0) expect(compareValues(a, c)).toBeLessThanOrEqual(0)
      }),
      { numRuns: 2000 },
    )
  })
})

describe('valuesEqual', () => {
  it('compares deeply with numeric and instant equality', () => {
    expect(valuesEqual({ a: [1, { b: 2n }], c: 'x' }, { c: 'x', a: [1n, { b: 2 }] })).toBe(true)
    expect(valuesEqual({ a: 1, b: undefined }, { a: 1 })).toBe(true)
    expect(valuesEqual({ a: null }, {})).toBe(false)
    expect(valuesEqual(new Date(3), new Date(3))).toBe(true)
    expect(valuesEqual(new Date(3), 3)).toBe(false)
    expect(valuesEqual([1, 2], [1, 2, 3])).toBe(false)
    expect(valuesEqual([], {})).toBe(false)
    expect(valuesEqual(Number.NaN, Number.NaN)).toBe(true)
    expect(valuesEqual(null, undefined)).toBe(true)
    expect(valuesEqual('1', 1)).toBe(false)
  })
})

describe('decimals', () => {
  it('parses decimal text, numbers and bigints', () => {
    expect(parseDecimal('12.50')).toEqual({ negative: false, digits: '125', exponent: -1 })
    expect(parseDecimal('-0.00')).toEqual({ negative: false, digits: '', exponent: 0 })
    expect(parseDecimal(1e-7)).toEqual({ negative: false, digits: '1', exponent: -7 })
    expect(parseDecimal(-1200n)).toEqual({ negative: true, digits: '12', exponent: 2 })
    expect(parseDecimal('.5')).toEqual({ negative: false, digits: '5', exponent: -1 })
    for (const bad of ['', '.', 'abc', '1..2', '1e', Number.NaN, Number.POSITIVE_INFINITY]) expect(parseDecimal(bad)).toBeUndefined()
  })

  it('compares exactly', () => {
    const cmp = (a: string | number, b: string | number) => compareDecimal(parseDecimal(a)!, parseDecimal(b)!)
    expect(cmp('12345678901234567890.1234', '12345678901234567890.1235')).toBe(-1)
    expect(cmp('0.1', 0.1)).toBe(0)
    expect(cmp('-5', '-4.99')).toBe(-1)
    expect(cmp('100', '99.999')).toBe(1)
    expect(cmp('0', '-0.0')).toBe(0)
    expect(cmp('1e3', '999')).toBe(1)
    expect(cmp('-1.5', -1.5)).toBe(0)
  })

  it('agrees with number order on doubles (property)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.double({ noNaN: true, noDefaultInfinity: true }), (a, b) => {
        expect(compareDecimal(parseDecimal(a)!, parseDecimal(b)!)).toBe(a < b ? -1 : a > b ? 1 : 0)
      }),
      { numRuns: 2000 },
    )
  })
})
