import type { Row } from '../../schema/types.ts'

/**
 * A batch of source changes, as weighted rows: `inserts` weigh +1 (created rows and the new
 * image of updated ones), `deletes` −1 (the before-images of deleted and updated rows). Within
 * a batch, an image inserted and deleted again cancels out, so a batch may hold several writes
 * to one row; what remains must be consistent: the deletes existed before the batch.
 *
 * When related entities changed too (an `$expand` view re-deriving the rows that reference
 * them, with `relatedBefore`), an intermediate image would derive different rows on its two
 * sides: give each touched source row at most once per side instead, its image before the
 * batch in `deletes` and its image after in `inserts` (the same image on both sides when only
 * its related entities changed).
 */
export interface SourceChange {
  readonly inserts: readonly Row[]
  readonly deletes: readonly Row[]
}

/** What to write to a non-aggregating view's table for a batch. */
export interface RowChanges {
  /** Output rows to insert or replace, by `$id`. */
  readonly upserts: Row[]
  /** Output rows to delete; never one of the upserted ids. */
  readonly deleteIds: string[]
}

/** What to write to a grouped view's table for a batch. */
export interface GroupChanges {
  /** Group rows (key fields, `$compute` results, `_state`, `$id`) to insert or replace. */
  readonly upserts: Row[]
  /** Groups that lost their last row. */
  readonly deleteIds: string[]
  /**
   * Groups whose states cannot tell their results after retractions (a `$min`/`$max`/`$first`/
   * `$last` extreme left, a `$percentile` lost a value): neither upserted nor deleted. Read their
   * source rows (filterForGroup) and hand their working rows to `recomputeGroup`.
   */
  readonly recompute: string[]
}
