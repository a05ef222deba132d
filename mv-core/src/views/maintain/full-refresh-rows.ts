import type { Row } from '../../schema/types.ts'
import type { GroupState } from '../aggregates/group-state.ts'
import type { ViewPlan } from '../define/types.ts'
import { deriveRows } from '../pipeline/derive-rows.ts'
import { groupKeyOf, type GroupKeyValue } from '../pipeline/group-key-of.ts'
import type { RelatedRows } from '../pipeline/related-rows.ts'
import { orderKeyOf, workingRows } from '../pipeline/working-rows.ts'
import { groupRow } from './group-row.ts'
import { planGroupAggregates } from './plan-group-aggregates.ts'

/**
 * Every output row of a view computed from scratch: for a non-aggregating view the rows derived
 * from each source row, for a grouped view one row per group holding at least one working row,
 * folded into fresh states (a view without `$groupBy` has no row while its source is empty).
 * This is what incremental maintenance must always equal.
 *
 * @example
 * fullRefreshRows(dailySales, orders, NO_RELATED) // [{ $id: '["2024-01-15","paid"]', date: '2024-01-15', status: 'paid', orderCount: 2, ... }, ...]
 */
export function fullRefreshRows(plan: ViewPlan, allSourceRows: Iterable<Row>, related: RelatedRows): Row[] {
  if (plan.kind === 'rows') {
    const rows: Row[] = []
    for (const source of allSourceRows) rows.push(...deriveRows(plan, source, related))
    return rows
  }
  const aggregates = planGroupAggregates(plan)
  const groups = new Map<string, { key: GroupKeyValue; state: GroupState }>()
  for (const source of allSourceRows) {
    for (const row of workingRows(plan, source, related)) {
      const key = groupKeyOf(plan, row)
      let group = groups.get(key.id)
      if (group === undefined) {
        group = { key, state: aggregates.init() }
        groups.set(key.id, group)
      }
      group.state = aggregates.add(group.state, row, 1, orderKeyOf(row))
    }
  }
  return [...groups.values()].filter((group) => !aggregates.isEmpty(group.state)).map((group) => groupRow(aggregates, group.key, group.state))
}
