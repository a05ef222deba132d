import { compileProjection } from '../query/project-row.ts'
import { queryRows } from '../query/query-rows.ts'
import { validateFindOptions } from '../query/find-options.ts'
import type { Filter, FindOptions } from '../query/types.ts'
import type { CollectionSchema, Entity, Row } from '../schema/types.ts'
import { findRows } from '../table/find-rows.ts'
import type { Table } from '../table/table.ts'
import type { Freshness } from '../views/materialized-view.ts'
import type { ViewSet } from '../views/view-set.ts'
import { filterImplies } from './filter-implies.ts'
import { includeTree, type IncludeNode } from './include-paths.ts'
import { loadIncludes } from './load-includes.ts'
import { fanOutPath, rowsFromView } from './rows-from-view.ts'

/** Find options of a collection: those of every table, plus relations to include. */
export interface CollectionFindOptions extends FindOptions {
  /** Relation paths whose entities replace the relation fields: ['customer', 'items.product']. */
  include?: readonly string[]
}

/** One view weighed for a query, and why it was or was not used. */
export interface RouteCandidate {
  readonly view: string
  readonly used: boolean
  readonly reason: string
}

/** How a collection query was (or would be) answered: `explain()`, and `rows.meta` of `find`. */
export interface QueryRoute {
  readonly collection: string
  readonly servedFrom: 'view' | 'source'
  /** The view answering, when one does. */
  readonly view?: string
  readonly reason: string
  /** Every view over the collection, in schema order, with the verdict on each. */
  readonly candidates: readonly RouteCandidate[]
}

/** A collection's answer with how it was served: `rows.meta` (not enumerable). */
export type CollectionRows = Entity[] & { readonly meta: QueryRoute & Partial<Freshness> }

interface Verdict {
  readonly covers: boolean
  readonly reason: string
  /** Reading the view saves work over the source (it is narrower, or holds the includes). */
  readonly gains: boolean
}

/**
 * Answers collection queries from a view when one covers them (the seeds' query routing): a
 * view of rows over the collection itself, without `$select` or `$unnest`, whose `$filter`
 * follows from the query's (filterImplies), that expands every included relation, and that is
 * fresh or within its grace period. It is used only where it saves work: it holds fewer rows
 * (a filter) or the included relations (no lookups). Otherwise the source answers, with the
 * includes looked up. Both give the same rows: the differential tests hold them to it.
 *
 * @example
 * const rows = await router.find('Order', { status: 'completed' }, { include: ['customer'], sort: { createdAt: -1 } })
 * rows.meta // { servedFrom: 'view', view: 'CompletedOrders', reason: '...', candidates: [...] }
 */
export class QueryRouter {
  readonly #tables: ReadonlyMap<string, Table>
  readonly #schemas: ReadonlyMap<string, CollectionSchema>
  readonly #views: ViewSet

  constructor(tables: ReadonlyMap<string, Table>, views: ViewSet) {
    this.#tables = tables
    this.#schemas = new Map([...tables].map(([name, table]) => [name, table.schema]))
    this.#views = views
  }

  async find(collection: string, filter: Filter = {}, options: CollectionFindOptions = {}): Promise<CollectionRows> {
    const { table, findOptions, include } = this.#checked(collection, options)
    const route = await this.#route(collection, filter, findOptions, include)
    if (route.servedFrom === 'view') {
      const answered = await this.#fromView(route, table.schema, filter, findOptions, include)
      if (answered !== undefined) return answered
    }
    const { project, ...unprojected } = findOptions
    const rows: Row[] = await findRows(table, filter, include.length > 0 ? unprojected : findOptions)
    if (include.length > 0) await loadIncludes(rows, include, (name, where) => findRows(this.#table(name), where))
    const shaped = include.length > 0 && project !== undefined ? rows.map(compileProjection(project, { label: table.label })) : rows
    const meta = route.servedFrom === 'source' ? route : { ...route, servedFrom: 'source' as const, view: undefined, reason: `${route.reason}; but its row ids could not be split back, so the source answered` }
    return withMeta(shaped as Entity[], meta)
  }

  /** Which of the collection's views would answer the query, and why (nothing is read). */
  async explain(collection: string, filter: Filter = {}, options: CollectionFindOptions = {}): Promise<QueryRoute> {
    const { findOptions, include } = this.#checked(collection, options)
    return this.#route(collection, filter, findOptions, include)
  }

  /** The collection's table, the table's find options checked, and `include` as a relation tree. */
  #checked(collection: string, options: CollectionFindOptions | undefined): { table: Table; findOptions: FindOptions; include: IncludeNode[] } {
    const table = this.#table(collection)
    const { include: includeOption, ...findOptions } = options ?? {}
    validateFindOptions(findOptions, table.label)
    const include = includeOption === undefined ? [] : includeTree(includeOption, table.label, table.schema, this.#schemas)
    return { table, findOptions, include }
  }

  async #route(collection: string, filter: Filter, options: FindOptions, include: readonly IncludeNode[]): Promise<QueryRoute> {
    const candidates: RouteCandidate[] = []
    let chosen: string | undefined
    for (const name of this.#views.names()) {
      const plan = this.#views.get(name).plan
      if (plan.sourceKind !== 'collection' || plan.source !== collection) continue
      const verdict = await this.#weigh(name, filter, options, include)
      const used = chosen === undefined && verdict.covers && verdict.gains
      if (used) chosen = name
      candidates.push({ view: name, used, reason: verdict.covers && !verdict.gains ? `covers the query but ${verdict.reason}` : verdict.reason })
    }
    if (chosen !== undefined) {
      return { collection, servedFrom: 'view', view: chosen, reason: `view "${chosen}" ${(candidates.find((entry) => entry.view === chosen) as RouteCandidate).reason}`, candidates }
    }
    const reason = candidates.length === 0 ? `no view reads ${collection}` : `no view over ${collection} covers the query and saves work`
    return { collection, servedFrom: 'source', reason, candidates }
  }

  async #weigh(name: string, filter: Filter, options: FindOptions, include: readonly IncludeNode[]): Promise<Verdict> {
    const no = (reason: string): Verdict => ({ covers: false, gains: false, reason })
    const view = this.#views.get(name)
    const plan = view.plan
    if (options.asOf !== undefined) return no('asOf reads the collection as it was; views keep no history of their source')
    if (plan.kind === 'groups') return no('groups rows: its rows are groups, not entities')
    if (plan.unnest !== undefined) return no(`unnests "${plan.unnest.field}": its rows are list elements, not entities`)
    if (plan.select !== undefined) return no('shapes its rows with $select: they lack fields of the entities')
    const viewFilter = (plan.definition.$filter ?? {}) as Filter
    const scalar = (field: string) => {
      const column = plan.sourceSchema.columns.find((entry) => entry.name === field)
      return column !== undefined && !column.array && column.kind !== 'variant'
    }
    if (!filterImplies(filter, viewFilter, scalar)) return no(`its $filter ${show(viewFilter)} does not follow from the query's filter`)
    const fanOut = fanOutPath(plan)
    for (const node of flatten(include)) {
      if (!plan.expand.some((expansion) => expansion.path === node.path)) return no(`does not expand "${node.path}"`)
      if (node.path !== fanOut && node.relation.direction !== 'forward') return no(`expands "${node.path}" without the ids of what it reaches`)
    }
    await this.#views.settle(name)
    const state = view.state()
    if (state.state === 'invalid') return no(`is invalid (${state.error ?? 'its last refresh failed'})`)
    const freshness = view.freshness()
    const grace = plan.refresh.gracePeriodMs
    if (freshness.stale && (grace === undefined || freshness.lagMs > grace)) {
      return no(`is stale (${freshness.lagVersions} versions, ${Math.round(freshness.lagMs)} ms behind)${grace === undefined ? ' and has no grace period' : ` past its grace period of ${grace} ms`}`)
    }
    const within = freshness.stale ? `, stale within its grace period (${Math.round(freshness.lagMs)} ms behind)` : ''
    if (include.length > 0) return { covers: true, gains: true, reason: `holds the included relations (${flatten(include).map((node) => node.path).join(', ')})${within}` }
    if (Object.keys(viewFilter).length > 0) return { covers: true, gains: true, reason: `holds only rows matching ${show(viewFilter)}, which the query's filter implies${within}` }
    return { covers: true, gains: false, reason: `holds every row of ${plan.source}: reading it is no cheaper than the source` }
  }

  async #fromView(route: QueryRoute, schema: CollectionSchema, filter: Filter, options: FindOptions, include: readonly IncludeNode[]): Promise<CollectionRows | undefined> {
    const name = route.view as string
    const plan = this.#views.get(name).plan
    const { project, skip, limit, ...rest } = options
    // Entities spread over several rows of a fanning view, so paging and projection wait until they are gathered.
    const viewRows = await this.#views.find(name, filter, fanOutPath(plan) === undefined && include.length === 0 ? options : rest)
    const rows = rowsFromView(plan, schema, this.#schemas, viewRows, include)
    if (rows === undefined) return undefined
    const paged = fanOutPath(plan) === undefined && include.length === 0 ? rows : queryRows(rows, {}, { skip, limit, project }, { label: `view "${name}"`, schema })
    return withMeta(paged as Entity[], { ...route, ...viewRows.meta })
  }

  #table(name: string): Table {
    const table = this.#tables.get(name)
    if (table === undefined) throw new TypeError(`QueryRouter: unknown collection "${name}"`)
    return table
  }
}

function flatten(nodes: readonly IncludeNode[]): IncludeNode[] {
  return nodes.flatMap((node) => [node, ...flatten(node.children)])
}

function withMeta(rows: Entity[], meta: object): CollectionRows {
  return Object.defineProperty(rows, 'meta', { value: Object.freeze(meta), enumerable: false }) as CollectionRows
}

function show(filter: Filter): string {
  return JSON.stringify(filter, (_, value: unknown) => (typeof value === 'bigint' ? `${value}n` : value))
}
