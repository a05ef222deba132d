import type { Row } from '../../schema/types.ts'
import type { RelatedRows } from './related-rows.ts'
import { relationIds } from './sources-reaching.ts'

/**
 * The related entities an `$expand` view's collections changed during one period, each with its
 * image at the period's start (null: it did not exist yet). A view derives everything within a
 * period from the related state at its start (`revert`), however late its queue runs; at the
 * period's end it re-derives the source rows those entities reach, from the state at the start
 * (what it holds) to the state now. Recording happens in the same step as the write, so the
 * images are exact.
 *
 * @example
 * const changes = new RelatedChanges()
 * changes.record('Customer', { inserts: [{ $id: 'c1', tier: 'gold' }], deletes: [{ $id: 'c1', tier: 'silver' }] })
 * changes.revert(live).get('Customer', 'c1') // { $id: 'c1', tier: 'silver' }
 */
export class RelatedChanges {
  readonly #before = new Map<string, Map<string, Row | null>>()

  /** Takes in one write to a related collection: an update is its before-image plus its new image. */
  record(collection: string, change: { readonly inserts: readonly Row[]; readonly deletes: readonly Row[] }): void {
    let images = this.#before.get(collection)
    if (images === undefined) {
      images = new Map()
      this.#before.set(collection, images)
    }
    for (const image of change.deletes) if (typeof image.$id === 'string' && !images.has(image.$id)) images.set(image.$id, image)
    for (const image of change.inserts) if (typeof image.$id === 'string' && !images.has(image.$id)) images.set(image.$id, null)
  }

  get size(): number {
    let size = 0
    for (const images of this.#before.values()) size += images.size
    return size
  }

  /** Changed entity ids by collection. */
  ids(): Map<string, Set<string>> {
    return new Map([...this.#before].map(([collection, images]) => [collection, new Set(images.keys())]))
  }

  /** The start-of-period images of a collection's changed entities that existed then. */
  images(collection: string): Row[] {
    return [...(this.#before.get(collection)?.values() ?? [])].filter((image): image is Row => image !== null)
  }

  /** `live` with the changed entities as they were at the period's start. */
  revert(live: RelatedRows): RelatedRows {
    const before = this.#before
    return {
      get(collection, id) {
        const images = before.get(collection)
        if (images?.has(id)) return images.get(id) ?? undefined
        return live.get(collection, id)
      },
      referencing(collection, viaField, id) {
        const images = before.get(collection)
        const current = live.referencing(collection, viaField, id)
        if (images === undefined) return current
        const found = current.filter((row) => !images.has(row.$id as string))
        for (const image of images.values()) if (image !== null && relationIds(image[viaField]).includes(id)) found.push(image)
        return found
      },
    }
  }
}
