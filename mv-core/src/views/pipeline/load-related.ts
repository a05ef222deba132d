import type { Row } from '../../schema/types.ts'
import type { RelatedRows } from './related-rows.ts'
import type { ViewPlan } from '../define/types.ts'
import { RelatedIndex } from './related-index.ts'
import { relatedIdsNeeded, type RelatedNeeds } from './related-ids-needed.ts'

/** Reads the entities a RelatedNeeds names (by id, and by relation for reverse hops), by collection. */
export type FetchRelated = (needs: RelatedNeeds) => Promise<Iterable<readonly [string, readonly Row[]]>>

/**
 * Loads every related entity the pipeline reads for these source rows, in rounds: each round asks
 * `fetch` only for lookups no earlier round asked for (relatedIdsNeeded), until nothing new is
 * needed. Returns `into` (a new RelatedIndex by default) holding what was fetched.
 *
 * @example
 * const related = await loadRelated(orderAnalytics, orders, async (needs) => [
 *   ['Customer', await customers.find({ $id: { $in: [...(needs.ids.get('Customer') ?? [])] } })],
 *   ['OrderItem', await items.find({ order: { $in: [...(needs.referencing.get('OrderItem')?.get('order') ?? [])] } })],
 *   ['Product', await products.find({ $id: { $in: [...(needs.ids.get('Product') ?? [])] } })],
 * ])
 */
export async function loadRelated(plan: ViewPlan, sourceRows: readonly Row[], fetch: FetchRelated, into: RelatedIndex = new RelatedIndex()): Promise<RelatedIndex> {
  await loadRelatedAs(plan, sourceRows, fetch, (loaded) => loaded, into)
  return into
}

/**
 * loadRelated for a view of the loaded entities (`view(loaded)`, e.g. some entities reverted to
 * earlier images): what that view leads the pipeline to look up is loaded. Returns the view.
 */
export async function loadRelatedAs(
  plan: ViewPlan,
  sourceRows: readonly Row[],
  fetch: FetchRelated,
  view: (loaded: RelatedIndex) => RelatedRows,
  into: RelatedIndex = new RelatedIndex(),
): Promise<RelatedRows> {
  const related = view(into)
  const asked = new Set<string>()
  for (;;) {
    const needs = relatedIdsNeeded(plan, sourceRows, related)
    const fresh = unasked(needs, asked)
    if (fresh === undefined) return related
    for (const [collection, rows] of await fetch(fresh)) into.add(collection, rows)
  }
}

/** The lookups of `needs` not in `asked` (which it then records), or undefined when there are none. */
function unasked(needs: RelatedNeeds, asked: Set<string>): RelatedNeeds | undefined {
  const ids = new Map<string, Set<string>>()
  const referencing = new Map<string, Map<string, Set<string>>>()
  let any = false
  const fresh = (key: string) => {
    if (asked.has(key)) return false
    asked.add(key)
    any = true
    return true
  }
  for (const [collection, wanted] of needs.ids) {
    for (const id of wanted) {
      if (!fresh(JSON.stringify(['id', collection, id]))) continue
      const set = ids.get(collection) ?? new Set<string>()
      ids.set(collection, set.add(id))
    }
  }
  for (const [collection, byField] of needs.referencing) {
    for (const [field, wanted] of byField) {
      for (const id of wanted) {
        if (!fresh(JSON.stringify(['referencing', collection, field, id]))) continue
        const fields = referencing.get(collection) ?? new Map<string, Set<string>>()
        referencing.set(collection, fields)
        const set = fields.get(field) ?? new Set<string>()
        fields.set(field, set.add(id))
      }
    }
  }
  return any ? { ids, referencing } : undefined
}
