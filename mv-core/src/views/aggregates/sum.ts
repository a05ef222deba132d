import { decimalFromUnscaled, formatUnscaled } from '../../schema/decimal.ts'
import { addExact, addExactBigint, mergeExact, roundExact } from './exact-sum.ts'
import { numericDouble, unscaledDecimal } from './numeric-input.ts'
import { StateReader } from './state-json.ts'
import type { Aggregate, AggregateInput, Weight } from './types.ts'

/**
 * `$sum` and `$avg`, over the same exact state. Every sum here is exact, so retractions undo
 * adds exactly and the result does not depend on the order rows arrived in:
 *
 * - numbers add as exact partials (exact-sum.ts) and the result is the correctly rounded double
 *   of their true sum: integers are exact far beyond 2^53, and 0.1 + 0.2 + 0.3 gives 0.6;
 * - bigints add as a bigint, and a sum of only bigints is a bigint;
 * - with `decimalScale` (the input is a decimal(p, s) column) every value adds as its unscaled
 *   integer; the sum is a number when it has at most 15 digits (then the number is exactly the
 *   decimal, as ScalarKind's decimal form promises) and a string with exactly `s` fractional
 *   digits above that ('12345678901234567.50').
 *
 * Nulls and non-numeric inputs are skipped; `$sum` of a group with no numeric input is null,
 * like SQL's SUM, and `$avg` is null likewise. Infinite and NaN inputs make the result ±Infinity
 * or NaN (both infinities: NaN) while they are in the group.
 */
export interface SumState {
  rows: number
  /** Numeric inputs counted, non-finite ones included. */
  n: number
  /** Exact sum of the finite double inputs. */
  partials: number[]
  /** Exact sum of the bigint inputs, or of the unscaled decimals with a decimal scale. */
  big: bigint
  /** How many inputs `big` holds. */
  bigs: number
  posInf: number
  negInf: number
  nan: number
}

/**
 * `{ $sum: input }`.
 *
 * @example
 * const sum = sumAggregate({ label: 'view "V": $compute.total', fields: ['x'], value: (row) => row.x ?? null })
 * sum.result(sum.add(sum.add(sum.init(), 0.1, 1), 0.2, 1)) // 0.30000000000000004 (the double nearest their exact sum)
 */
export function sumAggregate(input: AggregateInput, decimalScale?: number): Aggregate<SumState> {
  return sumFamily('$sum', input, decimalScale)
}

/**
 * `{ $avg: input }`: the exact sum over the count of numeric inputs, as a double.
 *
 * @example
 * const avg = avgAggregate({ label: 'view "V": $compute.mean', fields: ['x'], value: (row) => row.x ?? null })
 * avg.result(avg.add(avg.add(avg.init(), 1, 1), null, 1)) // 1
 */
export function avgAggregate(input: AggregateInput, decimalScale?: number): Aggregate<SumState> {
  return sumFamily('$avg', input, decimalScale)
}

function sumFamily(op: '$sum' | '$avg', input: AggregateInput, scale: number | undefined): Aggregate<SumState> {
  const { label } = input
  const add = scale === undefined ? addNumber : (state: SumState, value: unknown, weight: Weight) => addDecimal(state, value, weight, scale)
  return {
    op,
    fields: input.fields,
    value: input.value,
    init: () => ({ rows: 0, n: 0, partials: [], big: 0n, bigs: 0, posInf: 0, negInf: 0, nan: 0 }),
    add(state, value, weight) {
      state.rows += weight
      if (value !== null && value !== undefined) add(state, value, weight)
      return state
    },
    merge(a, b) {
      a.rows += b.rows
      a.n += b.n
      mergeExact(a.partials, b.partials)
      a.big += b.big
      a.bigs += b.bigs
      a.posInf += b.posInf
      a.negInf += b.negInf
      a.nan += b.nan
      return a
    },
    exact: (state) => state.rows >= 0 && state.n >= 0,
    result(state) {
      if (state.n <= 0) return null
      const special = specialResult(state)
      if (special !== undefined) return special
      if (op === '$avg') return (scale === undefined ? doubleTotal(state) : Number(state.big) / Number(`1e${scale}`)) / state.n
      if (scale !== undefined) return decimalTotal(state.big, scale)
      return state.bigs === state.n ? state.big : doubleTotal(state)
    },
    isEmpty: (state) => state.rows === 0,
    toJSON(state) {
      const json: Record<string, unknown> = { rows: state.rows, n: state.n, partials: [...state.partials] }
      if (state.bigs !== 0 || state.big !== 0n) Object.assign(json, { big: state.big.toString(), bigs: state.bigs })
      if (state.posInf !== 0) json.posInf = state.posInf
      if (state.negInf !== 0) json.negInf = state.negInf
      if (state.nan !== 0) json.nan = state.nan
      return json
    },
    fromJSON(json) {
      const reader = new StateReader(label, json)
      return {
        rows: reader.integer('rows'),
        n: reader.integer('n'),
        partials: reader.finiteArray('partials'),
        big: reader.bigint('big', 0n),
        bigs: reader.integer('bigs', 0),
        posInf: reader.integer('posInf', 0),
        negInf: reader.integer('negInf', 0),
        nan: reader.integer('nan', 0),
      }
    },
  }
}

function addNumber(state: SumState, value: unknown, weight: Weight): void {
  if (typeof value === 'bigint') {
    state.big += weight === 1 ? value : -value
    state.bigs += weight
    state.n += weight
    return
  }
  const x = numericDouble(value)
  if (x === undefined) return
  state.n += weight
  if (Number.isFinite(x)) addExact(state.partials, weight * x)
  else addSpecial(state, x, weight)
}

function addDecimal(state: SumState, value: unknown, weight: Weight, scale: number): void {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    state.n += weight
    addSpecial(state, value, weight)
    return
  }
  const unscaled = unscaledDecimal(value, scale)
  if (unscaled === undefined) return
  state.big += weight === 1 ? unscaled : -unscaled
  state.bigs += weight
  state.n += weight
}

function addSpecial(state: SumState, x: number, weight: Weight): void {
  if (x > 0) state.posInf += weight
  else if (x < 0) state.negInf += weight
  else state.nan += weight
}

/** NaN or ±Infinity while non-finite inputs are in the group, as IEEE addition would give. */
function specialResult(state: SumState): number | undefined {
  if (state.nan > 0 || (state.posInf > 0 && state.negInf > 0)) return Number.NaN
  if (state.posInf > 0) return Number.POSITIVE_INFINITY
  if (state.negInf > 0) return Number.NEGATIVE_INFINITY
  return undefined
}

/** The correctly rounded double of the exact sum of every numeric input. */
function doubleTotal(state: SumState): number {
  if (state.big === 0n) return roundExact(state.partials)
  const partials = [...state.partials]
  addExactBigint(partials, state.big)
  return roundExact(partials)
}

const NUMBER_DECIMAL_LIMIT = 10n ** 15n

function decimalTotal(unscaled: bigint, scale: number): number | string {
  const magnitude = unscaled < 0n ? -unscaled : unscaled
  return magnitude < NUMBER_DECIMAL_LIMIT ? decimalFromUnscaled(unscaled, 15, scale) : formatUnscaled(unscaled, scale)
}
