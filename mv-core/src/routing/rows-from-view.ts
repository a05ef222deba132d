import type { CollectionSchema, Row } from '../schema/types.ts'
import type { ExpandPlan, ViewPlan } from '../views/define/types.ts'
import type { IncludeNode } from './include-paths.ts'

/**
 * A collection's rows rebuilt from the rows of a view over it that keeps every source row's
 * fields (no `$select`, no `$unnest`): one row per source row — a view that fans out over a
 * relation holds one row per reached entity, which are gathered back, in the order met — with
 * included relations nested back from the expanded columns, shaped as loadIncludes shapes them.
 * Undefined when a row id cannot be split back into its parts (an id shortened for length).
 *
 * @example
 * rowsFromView(orderAnalytics, order, schemas, viewRows, includeTree(['customer', 'items'], ...))
 * // [{ $id: 'o1', status: 'paid', customer: { $id: 'c1', name: 'Ada', ... }, items: [{ $id: 'i1', ... }] }]
 */
export function rowsFromView(
  plan: ViewPlan,
  collection: CollectionSchema,
  schemas: ReadonlyMap<string, CollectionSchema>,
  viewRows: readonly Row[],
  include: readonly IncludeNode[],
): Row[] | undefined {
  const fanOut = fanOutPath(plan)
  const groups = new Map<string, { first: Row; reached: { entity: Row; row: Row }[] }>()
  for (const row of viewRows) {
    const ids = fanOut === undefined ? { source: row.$id as string, entity: null } : splitId(row.$id as string)
    if (ids === undefined) return undefined
    let group = groups.get(ids.source)
    if (group === undefined) {
      group = { first: row, reached: [] }
      groups.set(ids.source, group)
    }
    const entity = fanOut === undefined ? null : entityAt(plan, schemas, fanOut, row, ids.entity)
    if (entity !== null) group.reached.push({ entity, row })
  }
  const out: Row[] = []
  for (const [sourceId, group] of groups) {
    const row: Row = {}
    // A projected find leaves columns out: they stay out.
    for (const column of collection.columns) if (column.name === '$id' || Object.hasOwn(group.first, column.name)) row[column.name] = column.name === '$id' ? sourceId : (group.first[column.name] ?? null)
    for (const node of include) {
      if (node.path !== fanOut) row[node.field] = entityThrough(plan, schemas, node, row[node.field], group.first)
      else {
        const entities = group.reached.map(({ entity, row: viewRow }) => nested(plan, schemas, node.children, entity, viewRow))
        row[node.field] = node.relation.many ? entities : (entities[0] ?? null)
      }
    }
    out.push(row)
  }
  return out
}

/** The view's fan-out path ('items'), if one of its expansions reaches many entities. */
export function fanOutPath(plan: ViewPlan): string | undefined {
  for (const expansion of plan.expand) {
    const many = expansion.steps.findIndex((step) => step.many)
    if (many >= 0) return expansion.path.split('.').slice(0, many + 1).join('.')
  }
  return undefined
}

/** A fanned-out row id 'o1#i7' as its source id and entity id (null for a row of nulls); undefined when shortened. */
function splitId(id: string): { source: string; entity: string | null } | undefined {
  const parts = id.split('#')
  if (id.includes('~') || parts.length > 2) return undefined
  const unescape = (part: string) => part.replace(/%(25|23|7E)/g, (escaped) => (escaped === '%25' ? '%' : escaped === '%23' ? '#' : '~'))
  return { source: unescape(parts[0] as string), entity: parts.length === 2 ? unescape(parts[1] as string) : null }
}

/**
 * The entity an expansion put in a row's columns: its `$id` and stored fields; null when the id
 * is null, or when every column is null although the target requires a field (not found).
 */
function entityAt(plan: ViewPlan, schemas: ReadonlyMap<string, CollectionSchema>, path: string, row: Row, id: string | null): Row | null {
  if (id === null) return null
  const { expansion, requires } = expansionAt(plan, schemas, path)
  if (requires && expansion.columns.every((column) => row[column.name] === null || row[column.name] === undefined)) return null
  const entity: Row = { $id: id }
  for (const column of expansion.columns) entity[column.field] = row[column.name] ?? null
  return entity
}

const expansions = new WeakMap<ViewPlan, Map<string, { expansion: ExpandPlan; requires: boolean }>>()

/** A path's expansion and whether its target requires one of the fields it holds, worked out once per plan. */
function expansionAt(plan: ViewPlan, schemas: ReadonlyMap<string, CollectionSchema>, path: string): { expansion: ExpandPlan; requires: boolean } {
  let byPath = expansions.get(plan)
  if (byPath === undefined) expansions.set(plan, (byPath = new Map()))
  let found = byPath.get(path)
  if (found === undefined) {
    const expansion = plan.expand.find((entry) => entry.path === path) as ExpandPlan
    const target = schemas.get(expansion.steps[expansion.steps.length - 1]?.target as string)
    const requires = target?.columns.some((column) => column.required && expansion.columns.some((entry) => entry.field === column.name)) ?? false
    byPath.set(path, (found = { expansion, requires }))
  }
  return found
}

/** A to-one include reached through a forward relation id, and its own includes, from one view row. */
function entityThrough(plan: ViewPlan, schemas: ReadonlyMap<string, CollectionSchema>, node: IncludeNode, id: unknown, row: Row): Row | null {
  const entity = entityAt(plan, schemas, node.path, row, typeof id === 'string' ? id : null)
  return entity === null ? null : nested(plan, schemas, node.children, entity, row)
}

function nested(plan: ViewPlan, schemas: ReadonlyMap<string, CollectionSchema>, children: readonly IncludeNode[], entity: Row, row: Row): Row {
  for (const child of children) entity[child.field] = entityThrough(plan, schemas, child, entity[child.field], row)
  return entity
}
