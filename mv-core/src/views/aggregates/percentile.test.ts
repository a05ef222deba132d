import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { aggregate, fold, foldValues, resultOf, roundTrip } from './test-fixtures.ts'

/**
 * DuckDB's quantile_cont: sort, h = q·(n − 1), interpolate linearly between ranks ⌊h⌋ and ⌈h⌉.
 * Returns the estimate's error bound too: 1% of the larger neighbour's magnitude (which is 1%
 * of the quantile itself when the neighbours share a sign).
 */
function quantileCont(values: readonly number[], q: number): { value: number; bound: number } {
  const sorted = [...values].sort((a, b) => a - b)
  const h = q * (sorted.length - 1)
  const low = sorted[Math.floor(h)] as number
  const high = sorted[Math.ceil(h)] as number
  const value = low + (h - Math.floor(h)) * (high - low)
  const sameSign = (low >= 0 && high >= 0) || (low <= 0 && high <= 0)
  const scale = sameSign ? Math.abs(value) : Math.max(Math.abs(low), Math.abs(high))
  // A hair over 1%: the bucket maths is in floating point. Interpolating near a cancellation
  // (q close to 1 between -0.001 and 0) also rounds at the scale of the neighbours themselves.
  const rounding = 4 * Number.EPSILON * Math.max(Math.abs(low), Math.abs(high))
  return { value, bound: scale * 0.01 * (1 + 1e-9) + rounding + 1e-300 }
}

const positive = fc.double({ min: 1e-3, max: 1e7, noNaN: true })
const anySign = fc.oneof(positive, positive.map((x) => -x), fc.constant(0))

describe('$percentile', () => {
  it('estimates quantile_cont within 1% relative on positive data', () => {
    fc.assert(
      fc.property(fc.array(positive, { minLength: 1, maxLength: 300 }), fc.double({ min: 0, max: 1, noNaN: true }), (values, q) => {
        const got = resultOf(aggregate({ $percentile: ['x', q] }), values) as number
        const { value, bound } = quantileCont(values, q)
        expect(Math.abs(got - value)).toBeLessThanOrEqual(bound)
      }),
      { numRuns: 300 },
    )
  })

  it('handles negatives and zeros within 1% of the neighbouring values', () => {
    fc.assert(
      fc.property(fc.array(anySign, { minLength: 1, maxLength: 200 }), fc.double({ min: 0, max: 1, noNaN: true }), (values, q) => {
        const got = resultOf(aggregate({ $percentile: ['x', q] }), values) as number
        const { value, bound } = quantileCont(values, q)
        expect(Math.abs(got - value)).toBeLessThanOrEqual(bound)
      }),
      { numRuns: 300 },
    )
  })

  it('is exact at q = 0 and q = 1 (the sketch keeps min and max)', () => {
    expect(resultOf(aggregate({ $percentile: ['x', 0] }), [5.5, 3.25, 9.75])).toBe(3.25)
    expect(resultOf(aggregate({ $percentile: ['x', 1] }), [5.5, 3.25, 9.75])).toBe(9.75)
  })

  it('p95 of latencies 1..1000 ms', () => {
    const latencies = Array.from({ length: 1000 }, (_, index) => index + 1)
    const p95 = resultOf(aggregate({ $percentile: ['latencyMs', 0.95] }), latencies) as number
    expect(Math.abs(p95 - 950.05) / 950.05).toBeLessThanOrEqual(0.01)
  })

  it('skips nulls and non-numeric values, and is null without numeric values', () => {
    const p50 = aggregate({ $percentile: ['x', 0.5] })
    expect(resultOf(p50, [null, 'abc', true, Number.NaN, Number.POSITIVE_INFINITY])).toBeNull()
    expect(resultOf(p50, [null, 10, 'x'])).toBe(10)
    expect(resultOf(p50, [2n, '4'])).toBeCloseTo(3, 1)
  })

  it('cannot retract: any retraction of a value is inexact, until the group runs out of values', () => {
    const p50 = aggregate({ $percentile: ['x', 0.5] })
    const state = fold(p50, [{ value: 1 }, { value: 2 }, { value: 2, weight: -1 }])
    expect(p50.exact(state)).toBe(false)
    const nullOnly = fold(p50, [{ value: 1 }, { value: null }, { value: null, weight: -1 }])
    expect(p50.exact(nullOnly)).toBe(true)
    const emptied = fold(p50, [{ value: 1 }, { value: 2 }, { value: 2, weight: -1 }, { value: 1, weight: -1 }])
    expect(p50.exact(emptied)).toBe(true)
    expect(p50.result(emptied)).toBeNull()
    expect(p50.isEmpty(emptied)).toBe(true)
    expect(p50.result(p50.add(emptied, 7, 1))).toBe(7)
  })

  it('merges like one sketch over all values', () => {
    const p90 = aggregate({ $percentile: ['x', 0.9] })
    const values = Array.from({ length: 500 }, (_, index) => ((index * 7919) % 1000) - 300)
    const merged = p90.merge(foldValues(p90, values.slice(0, 200)), foldValues(p90, values.slice(200)))
    expect(p90.result(merged)).toBe(resultOf(p90, values))
  })

  it('round-trips through JSON', () => {
    const p50 = aggregate({ $percentile: ['x', 0.5] })
    const state = foldValues(p50, [-4, 0, 0.5, 3, 1e5])
    const back = roundTrip(p50, state)
    expect(p50.result(back)).toBe(p50.result(state))
    expect(p50.result(p50.add(back, 7, 1))).toBe(p50.result(p50.add(state, 7, 1)))
    const inexact = fold(p50, [{ value: 1 }, { value: 2 }, { value: 1, weight: -1 }])
    expect(p50.exact(roundTrip(p50, inexact))).toBe(false)
    expect(p50.result(roundTrip(p50, p50.init()))).toBeNull()
  })
})
