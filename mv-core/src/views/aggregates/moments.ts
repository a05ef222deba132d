import { addExact, addExactProduct, mergeExact, roundExact } from './exact-sum.ts'
import { numericDouble } from './numeric-input.ts'
import { StateReader } from './state-json.ts'
import type { Aggregate, AggregateInput } from './types.ts'

/**
 * `$variance` and `$stddev`: the SAMPLE variance and standard deviation, like DuckDB's
 * variance/var_samp and stddev/stddev_samp: null for fewer than two numeric inputs.
 *
 * The state is the count and the exact sums Σx and Σx² (exact-sum.ts; each x² is split into its
 * rounded square and the rounding error, so nothing is lost). Merging adds sums and retracting
 * subtracts them, both exactly: unlike running Welford moments, no error accumulates however
 * many rows come and go, and the result depends only on the rows present. The result computes
 * n·Σx² − (Σx)² exactly too (every product split the same way) and rounds it once, so there is
 * no cancellation even for data far from zero (epoch milliseconds): the variance is within a few
 * ulps of the true value.
 *
 * Numeric inputs are read as doubles (bigints and decimal strings converted). An infinite or NaN
 * input, or one whose square overflows (|x| > 1.3e154), makes the result NaN while it is in the
 * group.
 */
export interface MomentsState {
  rows: number
  n: number
  /** Exact Σx over the finite inputs. */
  s1: number[]
  /** Exact Σx² over the finite inputs. */
  s2: number[]
  nonFinite: number
}

/**
 * `{ $variance: input }` or `{ $stddev: input }`.
 *
 * @example
 * const v = momentsAggregate('$variance', { label: 'view "V": $compute.v', fields: ['x'], value: (row) => row.x ?? null })
 * let s = v.init(); for (const x of [1, 2, 3, 4]) s = v.add(s, x, 1)
 * v.result(s) // 1.6666666666666667
 */
export function momentsAggregate(op: '$variance' | '$stddev', input: AggregateInput): Aggregate<MomentsState> {
  const { label } = input
  return {
    op,
    fields: input.fields,
    value: input.value,
    init: () => ({ rows: 0, n: 0, s1: [], s2: [], nonFinite: 0 }),
    add(state, value, weight) {
      state.rows += weight
      if (value === null || value === undefined) return state
      const x = numericDouble(value)
      if (x === undefined) return state
      state.n += weight
      if (Number.isFinite(x * x)) {
        addExact(state.s1, weight * x)
        addExactProduct(state.s2, x, x, weight)
      } else {
        state.nonFinite += weight
      }
      return state
    },
    merge(a, b) {
      a.rows += b.rows
      a.n += b.n
      mergeExact(a.s1, b.s1)
      mergeExact(a.s2, b.s2)
      a.nonFinite += b.nonFinite
      return a
    },
    exact: (state) => state.rows >= 0 && state.n >= 0,
    result(state) {
      if (state.n < 2) return null
      if (state.nonFinite > 0) return Number.NaN
      const variance = sampleVariance(state)
      return op === '$variance' ? variance : Math.sqrt(variance)
    },
    isEmpty: (state) => state.rows === 0,
    toJSON: (state) => ({ rows: state.rows, n: state.n, s1: [...state.s1], s2: [...state.s2], ...(state.nonFinite === 0 ? {} : { nonFinite: state.nonFinite }) }),
    fromJSON(json) {
      const reader = new StateReader(label, json)
      return { rows: reader.integer('rows'), n: reader.integer('n'), s1: reader.finiteArray('s1'), s2: reader.finiteArray('s2'), nonFinite: reader.integer('nonFinite', 0) }
    },
  }
}

/** (n·Σx² − (Σx)²) / (n·(n − 1)), the numerator exact before its one rounding. */
function sampleVariance(state: MomentsState): number {
  const { n, s1, s2 } = state
  const numerator: number[] = []
  for (const term of s2) addExactProduct(numerator, term, n, 1)
  for (let i = 0; i < s1.length; i++) {
    const a = s1[i] as number
    addExactProduct(numerator, a, a, -1)
    // The cross terms appear twice; doubling a double is exact.
    for (let j = i + 1; j < s1.length; j++) addExactProduct(numerator, 2 * a, s1[j] as number, -1)
  }
  // The exact numerator is never negative (Cauchy–Schwarz); the clamp only guards squares of
  // inputs so tiny that they underflowed.
  return Math.max(0, roundExact(numerator)) / (n * (n - 1))
}
