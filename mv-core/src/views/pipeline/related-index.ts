import type { Row } from '../../schema/types.ts'
import type { RelatedRows } from './related-rows.ts'

/**
 * An in-memory RelatedRows: entities added by collection, found by `$id` or, for reverse hops, by
 * the forward relation that points at an id. The reverse index is built per (collection, field)
 * on first use and dropped when that collection changes.
 *
 * @example
 * const related = new RelatedIndex().add('Customer', [{ $id: 'c1', name: 'Ada' }]).add('OrderItem', items)
 * related.get('Customer', 'c1') // { $id: 'c1', name: 'Ada' }
 * related.referencing('OrderItem', 'order', 'o1') // the items of order o1
 */
export class RelatedIndex implements RelatedRows {
  readonly #entities = new Map<string, Map<string, Row>>()
  /** collection → relation field → target id → entities pointing at it. */
  readonly #reverse = new Map<string, Map<string, Map<string, Row[]>>>()

  /** Adds or replaces entities (by `$id`; rows without a string `$id` are ignored). */
  add(collection: string, rows: Iterable<Row>): this {
    let entities = this.#entities.get(collection)
    if (entities === undefined) {
      entities = new Map()
      this.#entities.set(collection, entities)
    }
    for (const row of rows) if (typeof row.$id === 'string') entities.set(row.$id, row)
    this.#reverse.delete(collection)
    return this
  }

  /** Removes an entity; true when it was there. */
  delete(collection: string, id: string): boolean {
    const removed = this.#entities.get(collection)?.delete(id) ?? false
    if (removed) this.#reverse.delete(collection)
    return removed
  }

  /** Every entity of a collection, in the order they were first added. */
  rows(collection: string): Row[] {
    return [...(this.#entities.get(collection)?.values() ?? [])]
  }

  get(collection: string, id: string): Row | undefined {
    return this.#entities.get(collection)?.get(id)
  }

  referencing(collection: string, viaField: string, id: string): readonly Row[] {
    return this.#reverseIndex(collection, viaField).get(id) ?? []
  }

  #reverseIndex(collection: string, viaField: string): Map<string, Row[]> {
    let byField = this.#reverse.get(collection)
    if (byField === undefined) {
      byField = new Map()
      this.#reverse.set(collection, byField)
    }
    let index = byField.get(viaField)
    if (index === undefined) {
      index = new Map()
      for (const row of this.#entities.get(collection)?.values() ?? []) {
        const target = Object.hasOwn(row, viaField) ? row[viaField] : undefined
        // A list relation ('-> Tag[]') points at each id it holds, once.
        const ids = Array.isArray(target) ? new Set<unknown>(target) : [target]
        for (const targetId of ids) {
          if (typeof targetId !== 'string') continue
          const list = index.get(targetId)
          if (list === undefined) index.set(targetId, [row])
          else list.push(row)
        }
      }
      byField.set(viaField, index)
    }
    return index
  }
}
