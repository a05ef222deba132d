import { ParqueDBError } from '../../errors.ts'
import { isPlainObject } from '../../query/is-plain-object.ts'
import type { Row } from '../../schema/types.ts'
import { expressionError } from '../expressions/expression-error.ts'
import { compileAggregate } from './compile-aggregate.ts'
import type { Aggregate, AggregateState, Weight } from './types.ts'

/** The aggregate states of one group, plus the number of source rows in it. */
export interface GroupState {
  /** Source rows in the group: adds minus retractions. 0 means the group row goes away. */
  rows: number
  /** One state per `$compute` entry, in the order of GroupAggregates.names. */
  readonly states: AggregateState[]
}

/** Every `$compute` entry of a view, driven together over one group's rows. */
export interface GroupAggregates {
  /** The `$compute` output names, in definition order. */
  readonly names: readonly string[]
  readonly aggregates: readonly Aggregate[]
  /** The top-level source fields any entry reads, without repeats. */
  readonly fields: readonly string[]
  init(): GroupState
  /** Adds (+1) or retracts (−1) a source row; `order` feeds `$first`/`$last`. May mutate `group`. */
  add(group: GroupState, row: Row, weight: Weight, order?: readonly unknown[]): GroupState
  /** May mutate and return `a`; never changes `b`. */
  merge(a: GroupState, b: GroupState): GroupState
  /** False when any entry needs the group recomputed from source. */
  exact(group: GroupState): boolean
  isEmpty(group: GroupState): boolean
  /** The output values by name. */
  result(group: GroupState): Row
  toJSON(group: GroupState): unknown
  fromJSON(json: unknown): GroupState
}

export interface GroupAggregatesOptions {
  /** The view, for error messages: 'view "DailySales"'. Entries are labelled '<label>: $compute.<name>'. */
  readonly label: string
  /** Per output name: the decimal scale of its input column (see AggregateOptions.decimalScale). */
  readonly decimalScales?: Readonly<Record<string, number>>
}

/**
 * Compiles a view's `$compute` object into one driver for all of its aggregates.
 *
 * @example
 * const group = compileGroupAggregates({ n: { $count: '*' }, tokens: { $sum: 'tokens' } }, { label: 'view "Usage"' })
 * let g = group.init()
 * g = group.add(g, { tokens: 5 }, 1)
 * group.result(g) // { n: 1, tokens: 5 }
 */
export function compileGroupAggregates(compute: unknown, options: GroupAggregatesOptions): GroupAggregates {
  const { label } = options
  if (!isPlainObject(compute)) throw expressionError({ label, at: '' }, '$compute must be an object of named aggregates')
  const names = Object.keys(compute)
  const aggregates = names.map((name) => {
    const scale = options.decimalScales && Object.hasOwn(options.decimalScales, name) ? options.decimalScales[name] : undefined
    return compileAggregate(compute[name], { label: `${label}: $compute.${name}`, ...(scale === undefined ? {} : { decimalScale: scale }) })
  })
  return groupAggregates(names, aggregates, label, { label })
}

/**
 * The driver of already compiled aggregates, one per name: what compileGroupAggregates returns,
 * and what a parsed view's `$compute` runs on (planGroupAggregates). `details` go into the
 * CORRUPT error of a malformed stored state.
 */
export function groupAggregates(names: readonly string[], aggregates: readonly Aggregate[], label: string, details: Readonly<Record<string, unknown>>): GroupAggregates {
  const fields = [...new Set(aggregates.flatMap((aggregate) => aggregate.fields))]
  const count = aggregates.length
  const at = (index: number) => aggregates[index] as Aggregate

  return {
    names,
    aggregates,
    fields,
    init: () => ({ rows: 0, states: aggregates.map((aggregate) => aggregate.init()) }),
    add(group, row, weight, order) {
      group.rows += weight
      for (let index = 0; index < count; index++) {
        const aggregate = at(index)
        group.states[index] = aggregate.add(group.states[index] as AggregateState, aggregate.value(row), weight, order)
      }
      return group
    },
    merge(a, b) {
      a.rows += b.rows
      for (let index = 0; index < count; index++) a.states[index] = at(index).merge(a.states[index] as AggregateState, b.states[index] as AggregateState)
      return a
    },
    exact: (group) => group.rows >= 0 && aggregates.every((aggregate, index) => aggregate.exact(group.states[index] as AggregateState)),
    isEmpty: (group) => group.rows === 0,
    result: (group) => Object.fromEntries(names.map((name, index) => [name, at(index).result(group.states[index] as AggregateState)])),
    toJSON: (group) => ({
      rows: group.rows,
      states: Object.fromEntries(names.map((name, index) => [name, at(index).toJSON(group.states[index] as AggregateState)])),
    }),
    fromJSON(json) {
      const corrupt = (problem: string) => new ParqueDBError('CORRUPT', `${label}: stored group state is malformed: ${problem}`, details)
      if (!isPlainObject(json) || !isPlainObject(json.states)) throw corrupt('expected { rows, states }')
      const { rows, states } = json
      if (typeof rows !== 'number' || !Number.isSafeInteger(rows)) throw corrupt('rows is not an integer')
      return {
        rows,
        states: names.map((name, index) => {
          if (!Object.hasOwn(states, name)) throw corrupt(`no state for $compute.${name}`)
          return at(index).fromJSON(states[name])
        }),
      }
    },
  }
}
