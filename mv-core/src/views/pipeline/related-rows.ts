import type { Row } from '../../schema/types.ts'

/**
 * Synchronous access to related entities for `$expand`, loaded by the caller before the pipeline
 * runs (see relatedIdsNeeded and loadRelated): the pipeline never waits on storage.
 *
 * @example
 * const related: RelatedRows = {
 *   get: (collection, id) => (collection === 'Customer' ? customers.get(id) : undefined),
 *   referencing: () => [],
 * }
 */
export interface RelatedRows {
  /** The entity of `collection` with this `$id`, or undefined when it does not exist (or was not loaded). */
  get(collection: string, id: string): Row | undefined
  /**
   * The entities of `collection` whose forward relation `viaField` points at `id` (a reverse hop:
   * the OrderItems whose `order` is this order). A list relation points at every id it holds.
   */
  referencing(collection: string, viaField: string, id: string): readonly Row[]
}

/** Related rows for views without `$expand`, or when nothing is loaded yet. */
export const NO_RELATED: RelatedRows = Object.freeze({
  get: () => undefined,
  referencing: () => [],
})
