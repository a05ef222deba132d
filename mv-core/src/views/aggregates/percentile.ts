import type { DDSketch } from '@datadog/sketches-js'
import { numericDouble } from './numeric-input.ts'
import { mergeSketch, newSketch, sketchFromJson, sketchQuantile, sketchToJson } from './sketch.ts'
import { StateReader } from './state-json.ts'
import type { Aggregate, AggregateInput } from './types.ts'

/**
 * `$percentile: [input, q]`: an approximate quantile from a DDSketch with 1% relative accuracy,
 * estimating DuckDB's quantile_cont(input, q) (linear interpolation; see sketchQuantile for the
 * exact error bound). Negative values and zero are handled: the sketch keeps a store for each
 * sign and a zero count.
 *
 * Sketches merge but cannot delete: any retraction of a numeric input makes the state inexact
 * until the group is recomputed from source (or runs out of inputs, which is exact again).
 * Inputs are read as doubles; non-numeric, NaN and infinite inputs are skipped.
 */
export interface PercentileState {
  rows: number
  /** Finite numeric inputs. */
  n: number
  sketch: DDSketch
  /** A retraction could not be applied to the sketch. */
  retracted: boolean
}

/**
 * `{ $percentile: [input, q] }` with q in [0, 1].
 *
 * @example
 * const p95 = percentileAggregate({ label: 'view "V": $compute.p95', fields: ['ms'], value: (row) => row.ms ?? null }, 0.95)
 * let s = p95.init(); for (let ms = 1; ms <= 100; ms++) s = p95.add(s, ms, 1)
 * p95.result(s) // ≈ 95.05 (within 1%)
 */
export function percentileAggregate(input: AggregateInput, q: number): Aggregate<PercentileState> {
  const { label } = input
  return {
    op: '$percentile',
    fields: input.fields,
    value: input.value,
    init: () => ({ rows: 0, n: 0, sketch: newSketch(), retracted: false }),
    add(state, value, weight) {
      state.rows += weight
      if (value === null || value === undefined) return state
      const x = numericDouble(value)
      if (x === undefined || !Number.isFinite(x)) return state
      state.n += weight
      if (weight === 1) {
        state.sketch.accept(x)
      } else if (state.n === 0) {
        // Nothing left: the empty sketch is exact again.
        state.sketch = newSketch()
        state.retracted = false
      } else {
        state.retracted = true
      }
      return state
    },
    merge(a, b) {
      a.rows += b.rows
      a.n += b.n
      mergeSketch(a.sketch, b.sketch)
      a.retracted ||= b.retracted
      return a
    },
    exact: (state) => !state.retracted && state.rows >= 0 && state.n >= 0,
    result: (state) => (state.n > 0 && state.sketch.count > 0 ? sketchQuantile(state.sketch, q) : null),
    isEmpty: (state) => state.rows === 0,
    toJSON: (state) => ({ rows: state.rows, n: state.n, sketch: sketchToJson(state.sketch), ...(state.retracted ? { retracted: true } : {}) }),
    fromJSON(json) {
      const reader = new StateReader(label, json)
      const sketch = sketchFromJson(reader.raw('sketch'))
      if (typeof sketch === 'string') throw reader.corrupt(sketch)
      return { rows: reader.integer('rows'), n: reader.integer('n'), sketch, retracted: reader.boolean('retracted', false) }
    },
  }
}
