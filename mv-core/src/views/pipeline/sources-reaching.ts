import type { Row } from '../../schema/types.ts'
import type { ViewPlan } from '../define/types.ts'

/** How sourcesReaching reads the collections on the way back to the source. */
export interface ReachLookups {
  /** Entities of a related collection by `$id`, as they are now. */
  byIds(collection: string, ids: ReadonlySet<string>): Promise<readonly Row[]>
  /** Entities of a related collection whose forward relation `field` points at any of the ids, now. */
  referencing(collection: string, field: string, ids: ReadonlySet<string>): Promise<readonly Row[]>
  /** Earlier images of a collection's changed entities (the states a view may still hold them in). */
  earlier(collection: string): readonly Row[]
  /** Ids of the source rows whose forward relation `field` points at any of the ids. */
  sourceReferencing(field: string, ids: ReadonlySet<string>): Promise<readonly string[]>
}

/**
 * The ids of the source rows whose `$expand` paths reach any of these changed entities, walking
 * each path back from every hop that lands on a changed collection, through the entities as they
 * are now and as they were (`earlier`): the source rows an `$expand` view re-derives after a
 * related change. It may name more rows than changed; re-deriving those writes nothing.
 *
 * @example
 * await sourcesReaching(orderAnalytics, new Map([['Customer', new Set(['c1'])]]), lookups) // Set { 'o1', 'o4' }: c1's orders
 */
export async function sourcesReaching(plan: ViewPlan, changed: ReadonlyMap<string, ReadonlySet<string>>, lookups: ReachLookups): Promise<Set<string>> {
  const sources = new Set<string>()
  for (const { steps } of plan.expand) {
    for (let landing = steps.length - 1; landing >= 0; landing--) {
      const ids = changed.get((steps[landing] as (typeof steps)[number]).target)
      if (ids === undefined || ids.size === 0) continue
      // Entities of the hop's target that the walk has reached so far.
      let level: ReadonlySet<string> = ids
      for (let hop = landing; hop >= 0 && level.size > 0; hop--) {
        const step = steps[hop] as (typeof steps)[number]
        const atSource = hop === 0
        if (step.direction === 'forward') {
          // `from` entities whose relation field points at the level.
          if (atSource) {
            for (const id of await lookups.sourceReferencing(step.field, level)) sources.add(id)
            break
          }
          const from = [...(await lookups.referencing(step.from, step.field, level)), ...lookups.earlier(step.from).filter((row) => pointsAtAny(row[step.field], level))]
          level = idsOf(from)
          continue
        }
        // A reverse hop: the level's entities point back at `from` entities through `via`.
        if (step.via === undefined) break
        const via = step.via
        const reached = [...(await lookups.byIds(step.target, level)), ...lookups.earlier(step.target).filter((row) => level.has(row.$id as string))]
        const next = new Set<string>()
        for (const row of reached) for (const id of relationIds(row[via])) next.add(id)
        if (atSource) {
          for (const id of next) sources.add(id)
          break
        }
        level = next
      }
    }
  }
  return sources
}

function idsOf(rows: readonly Row[]): Set<string> {
  return new Set(rows.flatMap((row) => (typeof row.$id === 'string' ? [row.$id] : [])))
}

/** The ids a forward relation value holds: one id, or each id of a list. */
export function relationIds(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  return Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : []
}

function pointsAtAny(value: unknown, ids: ReadonlySet<string>): boolean {
  return relationIds(value).some((id) => ids.has(id))
}
