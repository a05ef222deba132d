import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { aggregate, fold, resultOf, roundTrip } from './test-fixtures.ts'

/** Sample variance of integers, computed exactly with bigints and rounded at the end. */
function exactVariance(values: readonly number[]): number {
  const n = BigInt(values.length)
  const s1 = values.reduce((total, value) => total + BigInt(value), 0n)
  const s2 = values.reduce((total, value) => total + BigInt(value) * BigInt(value), 0n)
  const numerator = n * s2 - s1 * s1
  const denominator = n * (n - 1n)
  // Enough bits of the quotient for a double, then one rounding.
  const shift = 80n
  return Number((numerator << shift) / denominator) / 2 ** Number(shift)
}

describe('$variance and $stddev', () => {
  const variance = aggregate({ $variance: 'x' })
  const stddev = aggregate({ $stddev: 'x' })

  it('are the sample statistics, null below two values (DuckDB var_samp/stddev_samp)', () => {
    expect(resultOf(variance, [1, 2, 3, 4])).toBe(5 / 3)
    expect(resultOf(stddev, [2, 4, 4, 4, 5, 5, 7, 9])).toBe(Math.sqrt(32 / 7))
    expect(resultOf(variance, [5])).toBeNull()
    expect(resultOf(stddev, [5, null, 'x'])).toBeNull()
    expect(resultOf(variance, [])).toBeNull()
    expect(resultOf(variance, [3, 3, 3])).toBe(0)
  })

  it('stay accurate far from zero (epoch milliseconds), where textbook formulas cancel', () => {
    const base = 1_767_225_600_000
    const values = [base + 1, base + 2, base + 3, base + 4]
    expect(resultOf(variance, values)).toBe(5 / 3)
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1_000_000, max: 1_000_000 }), { minLength: 2, maxLength: 50 }), fc.integer({ min: 0, max: 2 ** 41 }), (offsets, shift) => {
        const data = offsets.map((offset) => shift + offset)
        const exact = exactVariance(data)
        const got = resultOf(variance, data) as number
        expect(Math.abs(got - exact)).toBeLessThanOrEqual(4 * Number.EPSILON * exact)
      }),
      { numRuns: 300 },
    )
  })

  it('retract exactly: the state after retractions equals the state of what is left', () => {
    const state = fold(variance, [{ value: 1e9 }, { value: 1 }, { value: 2 }, { value: 3 }, { value: 1e9, weight: -1 }])
    expect(variance.result(state)).toBe(1)
    expect(variance.exact(state)).toBe(true)
  })

  it('read bigints and decimal strings as doubles', () => {
    expect(resultOf(variance, [1n, '2', 3])).toBe(1)
  })

  it('are NaN while an infinite, NaN or overflowing value is in the group', () => {
    expect(resultOf(variance, [1, Number.POSITIVE_INFINITY])).toBeNaN()
    expect(resultOf(stddev, [1, Number.NaN, 2])).toBeNaN()
    expect(resultOf(variance, [1, 1e200])).toBeNaN()
    const state = fold(variance, [{ value: 1 }, { value: 2 }, { value: Number.NaN }, { value: Number.NaN, weight: -1 }])
    expect(variance.result(state)).toBe(0.5)
    expect(variance.result(roundTrip(variance, fold(variance, [{ value: 1 }, { value: Number.NaN }])))).toBeNaN()
  })
})
