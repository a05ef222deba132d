import { StateReader } from './state-json.ts'
import type { Aggregate, AggregateInput } from './types.ts'

/** Rows seen (`rows`, nulls included) and values counted (`n`). */
export interface CountState {
  rows: number
  n: number
}

/**
 * `$count`: the number of rows (`'*'`, like SQL's COUNT(*)) or of non-null inputs (a field or an
 * expression, like COUNT(x)). 0 for a group with nothing to count, never null. Exact under
 * retraction. `rowsOnly` (for `'*'`) counts every row, whatever its input.
 *
 * @example
 * const count = countAggregate({ label: 'view "V": $compute.n', fields: [], value: () => true }, true)
 * count.result(count.add(count.init(), null, 1)) // 1
 */
export function countAggregate(input: AggregateInput, rowsOnly: boolean): Aggregate<CountState> {
  const { label } = input
  return {
    op: '$count',
    fields: input.fields,
    value: input.value,
    init: () => ({ rows: 0, n: 0 }),
    add(state, value, weight) {
      state.rows += weight
      if (rowsOnly || (value !== null && value !== undefined)) state.n += weight
      return state
    },
    merge(a, b) {
      a.rows += b.rows
      a.n += b.n
      return a
    },
    exact: (state) => state.rows >= 0 && state.n >= 0,
    result: (state) => state.n,
    isEmpty: (state) => state.rows === 0,
    toJSON: (state) => ({ rows: state.rows, n: state.n }),
    fromJSON(json) {
      const reader = new StateReader(label, json)
      return { rows: reader.integer('rows'), n: reader.integer('n') }
    },
  }
}
