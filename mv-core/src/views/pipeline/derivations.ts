import type { Row } from '../../schema/types.ts'
import type { ViewPlan } from '../define/types.ts'
import { expandRow } from './expand-row.ts'
import type { RelatedRows } from './related-rows.ts'

/** One working row of a source row, and where it sits among the rows that source row gave. */
export interface Derivation {
  /** The source row after `$unnest` and `$expand` (the source row itself when neither applies). */
  readonly row: Row
  /** `$unnest`: the element's index in the list. */
  readonly unnestIndex?: number
  /** A fanning `$expand`: the entity's `$id`, or null for the row of a source row that reached none. */
  readonly fanOutId?: string | null
}

/**
 * Runs `$filter` → `$unnest` → `$expand` over one source row. `$unnest` follows DuckDB's
 * `unnest`: one row per element, null elements included (the field then holds null); an empty
 * list, a null list, or a value that is not a list gives no rows at all (so the source row
 * drops out of the view, as it would from `SELECT ..., unnest(list)`).
 *
 * @example
 * derivations(workerLogs, { $id: 'e1', scriptName: 'api', logs: [{ level: 'info' }, { level: 'warn' }] }, NO_RELATED)
 * // [{ row: { ..., logs: { level: 'info' } }, unnestIndex: 0 }, { row: { ..., logs: { level: 'warn' } }, unnestIndex: 1 }]
 */
export function derivations(plan: ViewPlan, sourceRow: Row, related: RelatedRows): Derivation[] {
  if (plan.filter !== undefined && !plan.filter.test(sourceRow)) return []
  const unnest = plan.unnest
  if (unnest === undefined) return expandRow(plan, sourceRow, related)
  const list = Object.hasOwn(sourceRow, unnest.field) ? sourceRow[unnest.field] : undefined
  if (!Array.isArray(list)) return []
  const out: Derivation[] = []
  for (const [unnestIndex, element] of (list as readonly unknown[]).entries()) {
    const row: Row = { ...sourceRow, [unnest.field]: element === undefined ? null : element }
    for (const expanded of expandRow(plan, row, related)) out.push({ ...expanded, unnestIndex })
  }
  return out
}

/**
 * Where a derivation sits among its source row's: the unnest index and/or the fan-out entity's
 * `$id`, empty when the view does not fan out. Appended to `[createdAt, $id]` it makes the order
 * key of `$first`/`$last` unique per working row.
 *
 * @example
 * positionOf({ row, unnestIndex: 2 }) // [2]
 * positionOf({ row, fanOutId: 'i7' }) // ['i7']
 */
export function positionOf(derivation: Derivation): unknown[] {
  const position: unknown[] = []
  if (derivation.unnestIndex !== undefined) position.push(derivation.unnestIndex)
  if (derivation.fanOutId !== undefined) position.push(derivation.fanOutId)
  return position
}
