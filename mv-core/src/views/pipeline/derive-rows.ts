import type { Row } from '../../schema/types.ts'
import type { ViewPlan } from '../define/types.ts'
import { derivations } from './derivations.ts'
import { derivedRowId } from './derived-row-id.ts'
import type { RelatedRows } from './related-rows.ts'

/**
 * The output rows of a non-aggregating view for one source row: `$filter` → `$unnest` →
 * `$expand` (from `related`, loaded beforehand) → `$select`, or without `$select` every stored
 * source field (the unnested one as its element) plus the expanded columns. Each row gets a
 * deterministic `$id` (see derivedRowId) and the source row's `createdAt`/`updatedAt`; missing
 * values are null. Values are not copied: a row shares nested JSON with its source row.
 *
 * @example
 * deriveRows(workerLogs, { $id: 'e1', scriptName: 'api', logs: [{ level: 'warn', message: 'slow' }], ... }, NO_RELATED)
 * // [{ $id: 'e1#0', createdAt, updatedAt, scriptName: 'api', level: 'warn', message: 'slow', timestamp: null, colo: null }]
 */
export function deriveRows(plan: ViewPlan, sourceRow: Row, related: RelatedRows): Row[] {
  if (plan.kind !== 'rows') throw new TypeError(`deriveRows: view "${plan.name}" groups its rows; use workingRows and GroupMaintainer`)
  const sourceId = sourceRow.$id
  if (typeof sourceId !== 'string') throw new TypeError(`deriveRows: view "${plan.name}": the source row has no $id`)
  return derivations(plan, sourceRow, related).map((derivation) => {
    const out: Row = { $id: derivedRowId(sourceId, derivation) }
    if (sourceRow.createdAt !== undefined) out.createdAt = sourceRow.createdAt
    if (sourceRow.updatedAt !== undefined) out.updatedAt = sourceRow.updatedAt
    const working = derivation.row
    if (plan.select !== undefined) {
      for (const field of plan.select) out[field.name] = field.evaluate(working) ?? null
    } else {
      for (const name of plan.outputFields) out[name] = (Object.hasOwn(working, name) ? working[name] : undefined) ?? null
    }
    return out
  })
}
