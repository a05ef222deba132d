import type { Row } from '../../schema/types.ts'
import type { ColumnBatch } from '../../table/scan-columns.ts'
import type { ViewPlan } from '../define/types.ts'
import { deriveRows } from '../pipeline/derive-rows.ts'
import { NO_RELATED, type RelatedRows } from '../pipeline/related-rows.ts'
import { GroupFold } from './group-fold.ts'

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
  const fold = new GroupFold(plan)
  for (const source of allSourceRows) fold.add(source, related)
  return fold.rows()
}

/**
 * fullRefreshRows for a grouped view that expands no relation, from column batches (a scan of
 * the source, projected to what the view reads): no row object is built per source row, one is
 * refilled instead, which is what makes a full refresh over millions of rows affordable.
 *
 * @example
 * await fullRefreshGroupsFromColumns(scriptStats, scanColumnsIn(source, view, { columns: sourceProjection(scriptStats) }))
 */
export async function fullRefreshGroupsFromColumns(plan: ViewPlan, batches: AsyncIterable<ColumnBatch>): Promise<Row[]> {
  if (plan.kind !== 'groups' || plan.expand.length > 0) throw new TypeError(`fullRefreshGroupsFromColumns: view "${plan.name}" needs row objects (it does not group, or it expands relations)`)
  const fold = new GroupFold(plan)
  const row: Row = {}
  for await (const batch of batches) {
    const names = Object.keys(batch.columns)
    if (names.length > 3) {
      for (const refilled of refilledRows([batch])) fold.add(refilled, NO_RELATED)
      continue
    }
    // The common shape (a key or two and a measure), unrolled: this loop runs once per source row.
    const [n0 = '', n1 = '', n2 = ''] = names
    const [c0 = [], c1 = [], c2 = []] = names.map((name) => batch.columns[name] as ArrayLike<unknown>)
    const width = names.length
    for (let index = 0; index < batch.rowCount; index++) {
      if (width > 0) row[n0] = c0[index]
      if (width > 1) row[n1] = c1[index]
      if (width > 2) row[n2] = c2[index]
      fold.add(row, NO_RELATED)
    }
  }
  return fold.rows()
}

/**
 * The rows of column batches as one object refilled for each row in turn: for consumers that
 * read a row and let it go (folding into group states), never for ones that keep it.
 *
 * @example
 * for (const row of refilledRows(batches)) fold.add(row, NO_RELATED)
 */
export function* refilledRows(batches: Iterable<ColumnBatch>): Generator<Row> {
  const row: Row = {}
  for (const batch of batches) {
    const names = Object.keys(batch.columns)
    const columns = names.map((name) => batch.columns[name] as ArrayLike<unknown>)
    for (let index = 0; index < batch.rowCount; index++) {
      for (let column = 0; column < names.length; column++) row[names[column] as string] = (columns[column] as ArrayLike<unknown>)[index]
      yield row
    }
  }
}
