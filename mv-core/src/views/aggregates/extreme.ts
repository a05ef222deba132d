import { compareValues } from '../../query/compare-values.ts'
import { sameValue } from '../expressions/compare.ts'
import { decodeValue, encodeValue, StateReader } from './state-json.ts'
import type { Aggregate, AggregateInput } from './types.ts'

/**
 * `$min`, `$max`, `$first` and `$last`: the input at the extreme of a key. For `$min`/`$max` the
 * key is the value itself, ordered by compareValues (numbers with bigints by value, strings by
 * UTF-16 code units, Dates by instant; NaN sorts lowest, unlike DuckDB where it is highest).
 * For `$first`/`$last` the key is the row's `order` (e.g. [eventTime, $id]), compared element by
 * element with compareValues, a shorter prefix first; the value is the row's input. Null inputs
 * are skipped, like DuckDB's min/max and arg_min/arg_max.
 *
 * The state keeps the extreme key, its value, and how many rows hold that key. Adding is always
 * exact. Retracting a row that is not at the extreme is exact; retracting the last row at the
 * extreme loses it: the state is then inexact (`exact` false) until something decides the
 * extreme again: a new row at or beyond the lost key (everything left is on the other side of
 * it), or the group running out of inputs. An inexact state keeps the lost key as a bound, so
 * merging stays correct where it can be.
 *
 * Ties: rows sharing the `$first`/`$last` key may carry different values. `$first` keeps the
 * value it saw first, `$last` the latest; once tied rows disagree, retracting one whose value is
 * the one reported makes the state inexact, since another tied row may have to take over. Use
 * unique order keys (end with $id) to avoid ties altogether.
 */
export interface ExtremeState {
  rows: number
  /** Non-null inputs. */
  n: number
  /** The extreme key; undefined while n is 0. While `lost`, a bound the true extreme is beyond. */
  key: unknown
  /** The reported value (the key itself for $min/$max). */
  value: unknown
  /** Rows known to hold the key (0 while lost). */
  count: number
  lost: boolean
  /** Rows tied at the key may carry different values ($first/$last). */
  mixed: boolean
}

type ExtremeOp = '$min' | '$max' | '$first' | '$last'

/**
 * One of the four extreme aggregates.
 *
 * @example
 * const min = extremeAggregate('$min', { label: 'view "V": $compute.lo', fields: ['x'], value: (row) => row.x ?? null })
 * let s = min.init(); s = min.add(s, 3, 1); s = min.add(s, 1, 1)
 * s = min.add(s, 3, -1) // exact: 3 was not the minimum
 * min.result(s) // 1
 * s = min.add(s, 5, 1); s = min.add(s, 1, -1) // the minimum leaves; the state cannot know what is left
 * min.exact(s) // false
 */
export function extremeAggregate(op: ExtremeOp, input: AggregateInput): Aggregate<ExtremeState> {
  const { label } = input
  // +1: larger keys win ($max, $last); −1: smaller keys win ($min, $first).
  const direction = op === '$max' || op === '$last' ? 1 : -1
  const byOrder = op === '$first' || op === '$last'
  const preferLater = op === '$last'
  const compareKeys = byOrder ? compareOrder : compareValues
  const keyOf = byOrder ? (_value: unknown, order: readonly unknown[] | undefined) => order ?? [] : (value: unknown) => value
  const ownKey = byOrder ? (key: unknown) => [...(key as readonly unknown[])] : (key: unknown) => key

  const reset = (state: ExtremeState): ExtremeState => {
    state.key = undefined
    state.value = undefined
    state.count = 0
    state.lost = false
    state.mixed = false
    return state
  }
  const hold = (state: ExtremeState, key: unknown, value: unknown): void => {
    state.key = ownKey(key)
    state.value = value
    state.count = 1
    state.lost = false
    state.mixed = false
  }

  return {
    op,
    fields: input.fields,
    value: input.value,
    init: () => ({ rows: 0, n: 0, key: undefined, value: undefined, count: 0, lost: false, mixed: false }),
    add(state, value, weight, order) {
      state.rows += weight
      if (value === null || value === undefined) return state
      state.n += weight
      // -0 and 0 tie as keys but print apart: one zero, so the value reported never depends on which row came first.
      if (value === 0) value = 0
      const key = keyOf(value, order)
      if (weight === 1) {
        if (state.key === undefined) {
          hold(state, key, value)
          return state
        }
        const beyond = direction * compareKeys(key, state.key)
        if (beyond > 0) {
          hold(state, key, value)
        } else if (beyond === 0) {
          if (state.lost) {
            // Everything left is on the far side of the lost key, so this row holds the extreme;
            // other rows may share the key unseen: count stays a lower bound, values may differ.
            state.lost = false
            state.count = 1
            state.value = value
            state.mixed = byOrder
          } else {
            state.count++
            if (byOrder && !sameValue(value, state.value)) {
              state.mixed = true
              if (preferLater) state.value = value
            }
          }
        }
        return state
      }
      if (state.n <= 0) {
        reset(state)
        if (state.n < 0) state.lost = true // more retractions than adds: the caller's books are off
        return state
      }
      if (state.key === undefined) {
        state.lost = true
        return state
      }
      const beyond = direction * compareKeys(key, state.key)
      if (beyond > 0) {
        state.lost = true // a row beyond the extreme was never added: not a state we can trust
      } else if (beyond === 0 && !state.lost) {
        state.count--
        if (state.count === 0 || (state.mixed && sameValue(value, state.value))) {
          state.lost = true
          state.count = 0
        }
      }
      return state
    },
    merge(a, b) {
      a.rows += b.rows
      a.n += b.n
      if (b.key === undefined) {
        a.lost ||= b.lost
      } else if (a.key === undefined) {
        const lost = a.lost
        Object.assign(a, { key: b.key, value: b.value, count: b.count, lost: b.lost || lost, mixed: b.mixed })
      } else {
        const beyond = direction * compareKeys(b.key, a.key)
        if (beyond > 0) {
          Object.assign(a, { key: b.key, value: b.value, count: b.count, lost: b.lost, mixed: b.mixed })
        } else if (beyond === 0) {
          // A lost side may still have rows at this key, with values we never saw.
          const mixed = byOrder && (a.mixed || b.mixed || a.lost !== b.lost || (!a.lost && !b.lost && !sameValue(a.value, b.value)))
          const value = a.lost || (preferLater && !b.lost) ? b.value : a.value
          Object.assign(a, { value, count: a.count + b.count, lost: a.lost && b.lost, mixed })
        }
      }
      if (a.n === 0 && a.rows >= 0) reset(a)
      return a
    },
    exact: (state) => !state.lost && state.n >= 0 && state.rows >= 0,
    result: (state) => (state.n > 0 && state.key !== undefined ? state.value : null),
    isEmpty: (state) => state.rows === 0,
    toJSON(state) {
      const json: Record<string, unknown> = { rows: state.rows, n: state.n, count: state.count }
      if (state.key !== undefined) {
        json.key = byOrder ? (state.key as readonly unknown[]).map(encodeValue) : encodeValue(state.key)
        if (byOrder) json.value = encodeValue(state.value)
      }
      if (state.lost) json.lost = true
      if (state.mixed) json.mixed = true
      return json
    },
    fromJSON(json) {
      const reader = new StateReader(label, json)
      const state: ExtremeState = {
        rows: reader.integer('rows'),
        n: reader.integer('n'),
        key: undefined,
        value: undefined,
        count: reader.integer('count'),
        lost: reader.boolean('lost', false),
        mixed: reader.boolean('mixed', false),
      }
      const key = reader.raw('key')
      if (key === undefined) return state
      if (byOrder) {
        if (!Array.isArray(key)) throw reader.corrupt('key is not an array')
        state.key = key.map((item: unknown) => decodeOrFail(reader, item, 'key'))
        state.value = decodeOrFail(reader, reader.raw('value'), 'value')
      } else {
        state.key = decodeOrFail(reader, key, 'key')
        state.value = state.key
      }
      return state
    },
  }
}

function decodeOrFail(reader: StateReader, json: unknown, name: string): unknown {
  const value = decodeValue(json)
  if (value === undefined) throw reader.corrupt(`${name} is not an encoded value`)
  return value
}

/**
 * Order keys element by element with compareValues; when one is a prefix of the other, the
 * shorter first.
 *
 * @example
 * compareOrder([new Date(1), 'b'], [new Date(1), 'a']) // 1
 */
export function compareOrder(a: unknown, b: unknown): number {
  const x = a as readonly unknown[]
  const y = b as readonly unknown[]
  const length = Math.min(x.length, y.length)
  for (let index = 0; index < length; index++) {
    const order = compareValues(x[index], y[index])
    if (order !== 0) return order
  }
  return x.length === y.length ? 0 : x.length < y.length ? -1 : 1
}
