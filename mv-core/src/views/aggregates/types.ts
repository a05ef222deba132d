import type { Row } from '../../schema/types.ts'

/** The aggregate operators of `$compute`. */
export type AggregateOp = '$count' | '$sum' | '$min' | '$max' | '$avg' | '$first' | '$last' | '$stddev' | '$variance' | '$percentile'

/** +1 adds a source row's value, −1 retracts it (the row was deleted, or updated away). */
export type Weight = 1 | -1

declare const opaqueState: unique symbol

/** An aggregate's state, opaque outside the aggregate that made it. */
export interface AggregateState {
  readonly [opaqueState]: true
}

/**
 * A mergeable, retractable aggregate over the rows of one group.
 *
 * The caller feeds every source row of the group through `add`, null inputs included: nulls do
 * not change the result (except for `$count: '*'`) but count as rows for `isEmpty`.
 *
 * @example
 * const sum = compileAggregate({ $sum: 'tokens' }, { label: 'view "V": $compute.totalTokens' })
 * let state = sum.init()
 * state = sum.add(state, sum.value({ tokens: 5 }), 1)
 * state = sum.add(state, sum.value({ tokens: 7 }), 1)
 * state = sum.add(state, sum.value({ tokens: 5 }), -1)
 * sum.result(state) // 7
 */
export interface Aggregate<S = AggregateState> {
  readonly op: AggregateOp
  /** The top-level source fields the input reads (none for `$count: '*'`). */
  readonly fields: readonly string[]
  /** The input value of a source row: null is skipped by every aggregate but `$count: '*'`. */
  value(row: Row): unknown
  init(): S
  /**
   * Adds (weight +1) or retracts (−1) one row's input. `order` is the row's ordering key for
   * `$first`/`$last` (e.g. [eventTime, $id]); other aggregates ignore it. May mutate `state`.
   */
  add(state: S, value: unknown, weight: Weight, order?: readonly unknown[]): S
  /**
   * The state of both groups of rows. May mutate and return `a`; never changes `b`. A state
   * whose retractions remove rows added to the other state (a delta batch) merges exactly for
   * count/sum/avg/variance/stddev; min/max/first/last/percentile then report `exact` false.
   */
  merge(a: S, b: S): S
  /**
   * False when a retraction could not be applied exactly (min/max/first/last losing their
   * current extreme, any percentile retraction): the caller recomputes that group from source.
   */
  exact(state: S): boolean
  result(state: S): unknown
  /** True when no rows remain (every add was retracted): the caller deletes the group row. */
  isEmpty(state: S): boolean
  /** A JSON-safe form, stored with the view's data. */
  toJSON(state: S): unknown
  /** Reads toJSON's form back; throws ParqueDBError('CORRUPT') for anything else. */
  fromJSON(json: unknown): S
}

export interface AggregateOptions {
  /** Prefix of error messages: 'view "DailySales": $compute.revenue'. */
  readonly label: string
  /**
   * The input is a decimal(p, s) column with this scale: `$sum` and `$avg` then add unscaled
   * integers exactly (see sum.ts). Other aggregates ignore it.
   */
  readonly decimalScale?: number
}

/** What an aggregate reads from a row: compiled once by compileAggregate. */
export interface AggregateInput {
  /** The `$compute` entry, for error messages: 'view "DailySales": $compute.revenue'. */
  readonly label: string
  readonly fields: readonly string[]
  readonly value: (row: Row) => unknown
}
