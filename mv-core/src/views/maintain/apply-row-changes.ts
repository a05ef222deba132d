import type { Row } from '../../schema/types.ts'
import type { ViewPlan } from '../define/types.ts'
import { deriveRows } from '../pipeline/derive-rows.ts'
import type { RelatedRows } from '../pipeline/related-rows.ts'
import { netChanges } from './net-changes.ts'
import type { RowChanges, SourceChange } from './types.ts'

/**
 * The writes a batch of source changes makes to a non-aggregating view: the rows derived from
 * the deleted images are deleted by id, those derived from the inserted images upserted. An
 * update (before-image deleted, new image inserted) that derives the same ids gives upserts only.
 * Derived rows that are both deleted and inserted cancel first (netChanges), so rows an update
 * leaves unchanged are not written, and neither is anything of an image inserted and deleted
 * within the batch.
 *
 * `relatedBefore` is what the deleted images were derived with, when related entities changed
 * since (an `$expand` view re-deriving the source rows that reference a changed entity passes
 * the related rows before and after the change); it defaults to `related`.
 *
 * @example
 * applyRowChanges(workerLogs, { inserts: [event2], deletes: [event1] }, NO_RELATED)
 * // event1 had 3 logs, event2 (same $id) 2: { upserts: [e#0, e#1], deleteIds: ['e#2'] }
 */
export function applyRowChanges(plan: ViewPlan, change: SourceChange, related: RelatedRows, relatedBefore: RelatedRows = related): RowChanges {
  if (plan.kind !== 'rows') throw new TypeError(`applyRowChanges: view "${plan.name}" groups its rows; use GroupMaintainer`)
  // Net the derived rows, not the source images: the same image derives other rows when the
  // related entities it was derived with changed.
  const derived = netChanges({
    inserts: change.inserts.flatMap((image) => deriveRows(plan, image, related)),
    deletes: change.deletes.flatMap((image) => deriveRows(plan, image, relatedBefore)),
  })
  const upserts = new Map<string, Row>()
  for (const row of derived.inserts) upserts.set(row.$id as string, row)
  const deleteIds = new Set<string>()
  for (const row of derived.deletes) if (!upserts.has(row.$id as string)) deleteIds.add(row.$id as string)
  return { upserts: [...upserts.values()], deleteIds: [...deleteIds] }
}
