import type { Row } from '../../schema/types.ts'
import type { ViewPlan } from '../define/types.ts'
import { derivations, positionOf } from './derivations.ts'
import type { RelatedRows } from './related-rows.ts'

/**
 * The key under which a fanned-out working row keeps its position among its source row's
 * working rows (see positionOf). A symbol, so no field path, aggregate or JSON encoding ever sees
 * it; object spread keeps it.
 */
export const FAN_OUT_POSITION: unique symbol = Symbol('parquedb.fanOutPosition')

/** A working row, possibly carrying its fan-out position. */
export type WorkingRow = Row & { readonly [FAN_OUT_POSITION]?: readonly unknown[] }

/**
 * The rows a grouped view feeds to its group keys and aggregates for one source row: `$filter`
 * → `$unnest` → `$expand`. Rows that fan out (one per list element or expanded entity) are fresh
 * objects carrying their position; otherwise the source row itself is returned, not a copy.
 *
 * @example
 * workingRows(logLevels, { $id: 'e1', logs: [{ level: 'info' }, { level: 'warn' }] }, NO_RELATED).map((row) => row.logs)
 * // [{ level: 'info' }, { level: 'warn' }]
 */
export function workingRows(plan: ViewPlan, sourceRow: Row, related: RelatedRows): WorkingRow[] {
  // Most grouped views neither unnest nor expand: the source row is the working row.
  if (plan.unnest === undefined && plan.expand.length === 0) return plan.filter === undefined || plan.filter.test(sourceRow) ? [sourceRow] : []
  return derivations(plan, sourceRow, related).map((derivation) => {
    const position = positionOf(derivation)
    if (position.length === 0) return derivation.row
    const row: WorkingRow = { ...derivation.row, [FAN_OUT_POSITION]: Object.freeze(position) }
    return row
  })
}

/**
 * The order key `$first`/`$last` sort working rows by: the source row's `[createdAt, $id]`, then
 * its fan-out position when it has one, so no two working rows of a view tie.
 *
 * @example
 * orderKeyOf({ $id: 'e1', createdAt: new Date(5) }) // [Date(5), 'e1']
 */
export function orderKeyOf(row: WorkingRow): unknown[] {
  return [row.createdAt ?? null, row.$id ?? null, ...(row[FAN_OUT_POSITION] ?? [])]
}
