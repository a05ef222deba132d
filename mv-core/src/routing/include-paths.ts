import { badFilter, describeType } from '../query/bad-filter.ts'
import type { CollectionSchema, RelationField } from '../schema/types.ts'

/** One relation of an `include`, with what is included below it. */
export interface IncludeNode {
  /** The relation field ('customer', 'items'). */
  readonly field: string
  readonly relation: RelationField
  /** The collection it reaches. */
  readonly target: CollectionSchema
  /** Reverse relations: the forward field on `target` pointing back. */
  readonly via?: string
  /** The path from the queried collection ('items.product'). */
  readonly path: string
  readonly children: readonly IncludeNode[]
}

/** How deep `include` may go, as `$expand`: 'items.product.category'. */
const MAX_DEPTH = 3

/**
 * Checks `include` (relation paths such as ['customer', 'items.product']) against the schemas
 * and merges it into a tree, each relation once. A reverse relation needs the forward one on
 * its target that points back ('<- OrderItem.order[]', or the only one there is).
 *
 * @example
 * includeTree(['customer', 'items.product'], 'collection "Order"', order, schemas)
 * // [{ field: 'customer', target: Customer, children: [] }, { field: 'items', via: 'order', children: [{ field: 'product', ... }] }]
 */
export function includeTree(include: unknown, label: string, source: CollectionSchema, schemas: ReadonlyMap<string, CollectionSchema>): IncludeNode[] {
  const fail = (message: string, path?: string) => badFilter(label, `find option "include": ${message}`, { option: 'include', ...(path === undefined ? {} : { path }) })
  if (!Array.isArray(include) || include.some((path) => typeof path !== 'string' || path === '')) {
    throw fail(`expected a list of relation paths such as ['customer', 'items.product'], got ${Array.isArray(include) ? 'a list holding something else' : describeType(include)}`)
  }
  const roots: MutableNode[] = []
  for (const path of new Set(include as string[])) {
    const segments = path.split('.')
    if (segments.some((segment) => segment === '')) throw fail(`invalid path ${JSON.stringify(path)}`, path)
    if (segments.length > MAX_DEPTH) throw fail(`${JSON.stringify(path)} is ${segments.length} relations deep; include goes at most ${MAX_DEPTH} levels`, path)
    let level = roots
    let current = source
    segments.forEach((segment, index) => {
      const field = current.byName.get(segment)
      if (field?.kind !== 'relation') {
        const relations = current.fields.filter((entry) => entry.kind === 'relation').map((entry) => entry.name)
        const what = field === undefined ? 'is not a field' : `is ${field.source.trim()}, not a relation`
        throw fail(`"${segment}" of ${current.name} ${what} (relations of ${current.name}: ${relations.join(', ') || 'none'})`, path)
      }
      const target = schemas.get(field.target)
      if (target === undefined) throw fail(`"${segment}" of ${current.name} points to ${field.target}, which is not a collection of this database`, path)
      let node = level.find((entry) => entry.field === segment)
      if (node === undefined) {
        const via = field.direction === 'reverse' ? backPointer(field, current, target) : undefined
        if (field.direction === 'reverse' && via === undefined) throw fail(`"${segment}" of ${current.name} is ${field.source.trim()}, but ${target.name} has no relation back to ${current.name} ('-> ${current.name}')`, path)
        node = { field: segment, relation: field, target, ...(via === undefined ? {} : { via }), path: segments.slice(0, index + 1).join('.'), children: [] }
        level.push(node)
      }
      level = node.children
      current = target
    })
  }
  return roots
}

type MutableNode = Omit<IncludeNode, 'children'> & { children: MutableNode[] }

function backPointer(field: RelationField, from: CollectionSchema, target: CollectionSchema): string | undefined {
  const pointsBack = (name: string) => {
    const candidate = target.byName.get(name)
    return candidate?.kind === 'relation' && candidate.direction === 'forward' && candidate.target === from.name
  }
  if (field.via !== undefined) return pointsBack(field.via) ? field.via : undefined
  const back = target.fields.filter((entry) => pointsBack(entry.name))
  return back.length === 1 ? back[0]?.name : undefined
}
