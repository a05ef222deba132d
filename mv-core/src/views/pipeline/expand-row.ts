import { compareValues } from '../../query/compare-values.ts'
import type { Row } from '../../schema/types.ts'
import type { ExpandStep, ViewPlan } from '../define/types.ts'
import type { RelatedRows } from './related-rows.ts'

/** One working row after `$expand`, and the entity it fanned out over. */
export interface ExpandedRow {
  readonly row: Row
  /**
   * The view fans out (one hop reaches many entities): the `$id` of the entity this row is for,
   * or null for the row of nulls a source row gets when it reaches none. Undefined when the view
   * does not fan out.
   */
  readonly fanOutId?: string | null
}

/** How a plan's expansions run, worked out once per plan. */
interface ExpandProgram {
  /** The hops up to and including the view's one fan-out hop, if it has one. */
  readonly fanOut?: readonly ExpandStep[]
  readonly paths: readonly {
    /** Start from the fan-out entity (true) or from the working row (false). */
    readonly fromFanOut: boolean
    /** The hops left to walk from the start, each reaching at most one entity. */
    readonly steps: readonly ExpandStep[]
    readonly columns: readonly { readonly name: string; readonly field: string }[]
  }[]
}

const programs = new WeakMap<ViewPlan, ExpandProgram>()

function programOf(plan: ViewPlan): ExpandProgram {
  let program = programs.get(plan)
  if (program === undefined) {
    let fanOut: readonly ExpandStep[] | undefined
    const paths = plan.expand.map((expansion) => {
      const many = expansion.steps.findIndex((step) => step.many)
      // RowShape lets a view fan out over one relation only, so every fanning path shares these hops.
      if (many >= 0) fanOut ??= expansion.steps.slice(0, many + 1)
      return {
        fromFanOut: many >= 0,
        steps: many >= 0 ? expansion.steps.slice(many + 1) : expansion.steps,
        columns: expansion.columns,
      }
    })
    program = fanOut === undefined ? { paths } : { fanOut, paths }
    programs.set(plan, program)
  }
  return program
}

/**
 * `$expand` of one working row (after `$filter` and `$unnest`): adds the columns of every
 * expansion, `<prefix>_<field>`, null when the path reaches no entity. A view that fans out
 * gives one row per entity its fan-out hop reaches (a left join: none reached gives one row of
 * nulls for the fanning paths). Reverse hops that must reach one entity take the smallest
 * `$id`; fan-out entities come in `$id` order for reverse hops and in list order (each id once,
 * missing ones skipped) for forward lists, so the result never depends on load order.
 *
 * @example
 * expandRow(orderAnalytics, { $id: 'o1', customer: 'c1', total: 10 }, related)
 * // [{ row: { $id: 'o1', ..., buyer_name: 'Ada', items_product_name: 'Pen', ... }, fanOutId: 'i1' }, ...]
 */
export function expandRow(plan: ViewPlan, row: Row, related: RelatedRows): ExpandedRow[] {
  if (plan.expand.length === 0) return [{ row }]
  const program = programOf(plan)
  const fromRow = new Map<number, Row | undefined>()
  const columnsFor = (fanEntity: Row | undefined): Row => {
    const out: Row = { ...row }
    program.paths.forEach((path, index) => {
      let entity: Row | undefined
      if (path.fromFanOut) entity = fanEntity === undefined ? undefined : walkOne(fanEntity, path.steps, related)
      else {
        // The same for every fanned-out row: walk it once.
        if (!fromRow.has(index)) fromRow.set(index, walkOne(row, path.steps, related))
        entity = fromRow.get(index)
      }
      for (const column of path.columns) out[column.name] = entity === undefined ? null : (ownValue(entity, column.field) ?? null)
    })
    return out
  }
  if (program.fanOut === undefined) return [{ row: columnsFor(undefined) }]
  const entities = walkMany(row, program.fanOut, related)
  if (entities.length === 0) return [{ row: columnsFor(undefined), fanOutId: null }]
  return entities.map((entity) => ({ row: columnsFor(entity), fanOutId: entity.$id as string }))
}

function ownValue(row: Row, field: string): unknown {
  return Object.hasOwn(row, field) ? row[field] : undefined
}

/** Follows to-one hops; undefined as soon as one reaches nothing. */
function walkOne(start: Row, steps: readonly ExpandStep[], related: RelatedRows): Row | undefined {
  let current: Row | undefined = start
  for (const step of steps) {
    if (current === undefined) return undefined
    current = hopOne(current, step, related)
  }
  return current
}

function hopOne(from: Row, step: ExpandStep, related: RelatedRows): Row | undefined {
  if (step.direction === 'forward') {
    const id = ownValue(from, step.field)
    return typeof id === 'string' ? related.get(step.target, id) : undefined
  }
  const found = referencingOf(from, step, related)
  return found[0]
}

/** Follows the to-one hops before the fan-out hop, then the fan-out hop itself. */
function walkMany(start: Row, steps: readonly ExpandStep[], related: RelatedRows): Row[] {
  const last = steps[steps.length - 1] as ExpandStep
  const from = walkOne(start, steps.slice(0, -1), related)
  if (from === undefined) return []
  if (last.direction === 'reverse') return referencingOf(from, last, related)
  const ids = ownValue(from, last.field)
  if (!Array.isArray(ids)) return []
  const entities: Row[] = []
  for (const id of new Set<unknown>(ids)) {
    if (typeof id !== 'string') continue
    const entity = related.get(last.target, id)
    if (entity !== undefined) entities.push(entity)
  }
  return entities
}

/** The entities pointing back at `from` through a reverse hop, each once, by `$id`. */
function referencingOf(from: Row, step: ExpandStep, related: RelatedRows): Row[] {
  const id = ownValue(from, '$id')
  if (step.via === undefined || typeof id !== 'string') return []
  const byId = new Map<string, Row>()
  for (const entity of related.referencing(step.target, step.via, id)) {
    if (typeof entity.$id === 'string' && !byId.has(entity.$id)) byId.set(entity.$id, entity)
  }
  return [...byId.values()].sort((a, b) => compareValues(a.$id, b.$id))
}
