import { compareValues } from '../query/compare-values.ts'
import type { Filter } from '../query/types.ts'
import type { CollectionSchema, Row } from '../schema/types.ts'
import type { IncludeNode } from './include-paths.ts'

/** Reads entities of a collection matching a filter (a find on its table). */
export type FindIn = (collection: string, filter: Filter) => Promise<Row[]>

/**
 * An included entity: its `$id` and stored fields — what a view expanding the relation holds
 * too, so a query answers alike from a view and from the source.
 */
export function includedEntity(schema: CollectionSchema, row: Row): Row {
  const entity: Row = { $id: row.$id }
  for (const column of schema.columns) if (column.name !== '$id' && column.name !== 'createdAt' && column.name !== 'updatedAt') entity[column.name] = row[column.name] ?? null
  return entity
}

/**
 * Replaces each included relation of the rows, in place, by what it reaches: a forward relation
 * by its entity (null when there is none), a forward list by its entities (in list order, each
 * once, missing ones left out), a reverse relation by the entities pointing back (by `$id`; the
 * first of them for a to-one reverse relation). One find per relation and level.
 *
 * @example
 * await loadIncludes(orders, includeTree(['customer', 'items.product'], ...), findIn)
 * orders[0].customer // { $id: 'c1', name: 'Ada', ... }; orders[0].items[0].product // { $id: 'p1', ... }
 */
export async function loadIncludes(rows: readonly Row[], nodes: readonly IncludeNode[], findIn: FindIn): Promise<void> {
  for (const node of nodes) {
    const { field, relation, target } = node
    let reached: Row[]
    if (relation.direction === 'forward') {
      const ids = new Set<string>()
      for (const row of rows) for (const id of idsOf(row[field])) ids.add(id)
      const found = ids.size === 0 ? [] : await findIn(target.name, { $id: { $in: [...ids] } })
      const byId = new Map(found.map((entity) => [entity.$id as string, includedEntity(target, entity)]))
      for (const row of rows) {
        const value = row[field]
        row[field] = Array.isArray(value) ? [...new Set(idsOf(value))].flatMap((id) => byId.get(id) ?? []) : typeof value === 'string' ? (byId.get(value) ?? null) : null
      }
      reached = [...byId.values()]
    } else {
      const via = node.via as string
      const ids = rows.map((row) => row.$id as string)
      const found = ids.length === 0 ? [] : await findIn(target.name, { [via]: { $in: ids } })
      const byOwner = new Map<string, Row[]>()
      for (const entity of found.sort((a, b) => compareValues(a.$id, b.$id))) {
        const owner = entity[via] as string
        byOwner.set(owner, [...(byOwner.get(owner) ?? []), includedEntity(target, entity)])
      }
      for (const row of rows) {
        const owned = byOwner.get(row.$id as string) ?? []
        row[field] = relation.many ? owned : (owned[0] ?? null)
      }
      reached = [...byOwner.values()].flat()
    }
    if (node.children.length > 0) await loadIncludes(reached, node.children, findIn)
  }
}

function idsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  return Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : []
}
