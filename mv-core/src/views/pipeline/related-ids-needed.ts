import type { Row } from '../../schema/types.ts'
import type { ViewPlan } from '../define/types.ts'
import { derivations } from './derivations.ts'
import { NO_RELATED, type RelatedRows } from './related-rows.ts'

/** The related entities a batch of source rows reads through `$expand`. */
export interface RelatedNeeds {
  /** Entities to read by `$id` (forward hops): collection → ids. */
  readonly ids: ReadonlyMap<string, ReadonlySet<string>>
  /**
   * Entities to read by the forward relation that points at an id (reverse hops): collection →
   * relation field → ids. `{ OrderItem: { order: ['o1'] } }` means "the OrderItems of order o1".
   */
  readonly referencing: ReadonlyMap<string, ReadonlyMap<string, ReadonlySet<string>>>
}

/**
 * Which related entities the pipeline will look up for these source rows (after `$filter` and
 * `$unnest`), given what is loaded already. A hop can only be planned once the entity it starts
 * from is known, so for multi-hop paths ('items.product') call it again with what was loaded,
 * until it asks for nothing new (at most one round per hop: 3); loadRelated does exactly that.
 * The answer is cumulative: it repeats lookups that `related` already answered.
 *
 * @example
 * relatedIdsNeeded(orderAnalytics, [{ $id: 'o1', customer: 'c1' }])
 * // { ids: Map { 'Customer' => Set { 'c1' } }, referencing: Map { 'OrderItem' => Map { 'order' => Set { 'o1' } } } }
 */
export function relatedIdsNeeded(plan: ViewPlan, sourceRows: Iterable<Row>, related: RelatedRows = NO_RELATED): RelatedNeeds {
  const ids = new Map<string, Set<string>>()
  const referencing = new Map<string, Map<string, Set<string>>>()
  if (plan.expand.length === 0) return { ids, referencing }
  // The pipeline itself decides which lookups it makes: record them as it runs.
  const recording: RelatedRows = {
    get(collection, id) {
      addTo(ids, collection, id)
      return related.get(collection, id)
    },
    referencing(collection, viaField, id) {
      let byField = referencing.get(collection)
      if (byField === undefined) {
        byField = new Map()
        referencing.set(collection, byField)
      }
      addTo(byField, viaField, id)
      return related.referencing(collection, viaField, id)
    },
  }
  for (const row of sourceRows) derivations(plan, row, recording)
  return { ids, referencing }
}

function addTo(map: Map<string, Set<string>>, key: string, id: string): void {
  const set = map.get(key)
  if (set === undefined) map.set(key, new Set([id]))
  else set.add(id)
}
