import type { Row } from '../../schema/types.ts'
import type { GroupAggregates, GroupState } from '../aggregates/group-state.ts'
import { STATE_COLUMN } from '../define/output-name.ts'
import type { GroupKeyValue } from '../pipeline/group-key-of.ts'

/**
 * The row a group writes to its view's table: `$id`, the key fields, the `$compute` results and
 * the states as JSON in the hidden `_state` column (read back with GroupMaintainer.load).
 *
 * @example
 * groupRow(aggregates, key, state) // { $id: '["2024-01-15","paid"]', date: '2024-01-15', status: 'paid', orderCount: 2, ..., _state: { rows: 2, states: { ... } } }
 */
export function groupRow(aggregates: GroupAggregates, key: GroupKeyValue, state: GroupState, stateJson: unknown = aggregates.toJSON(state)): Row {
  return { $id: key.id, ...key.fields, ...aggregates.result(state), [STATE_COLUMN]: stateJson }
}
