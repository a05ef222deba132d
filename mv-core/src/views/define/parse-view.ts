import { ParqueDBError } from '../../errors.ts'
import { isPlainObject } from '../../query/is-plain-object.ts'
import { describeValue } from '../../schema/describe-value.ts'
import { parseSchema } from '../../schema/parse-schema.ts'
import type { CollectionSchema } from '../../schema/types.ts'
import { compileViewFilter } from './compile-view-filter.ts'
import { copyDefinition } from './copy-definition.ts'
import { definitionHash } from './definition-hash.ts'
import { inferOutputSchema, type OutputSpec } from './infer-output-schema.ts'
import { orderViews } from './order-views.ts'
import { OutputNames } from './output-name.ts'
import { parseCompute, type ParsedCompute } from './parse-compute.ts'
import { parseExpand } from './parse-expand.ts'
import { parseGroupBy, type ParsedGroupBy } from './parse-group-by.ts'
import { parseRefresh } from './parse-refresh.ts'
import { parseSelect, type ParsedSelect } from './parse-select.ts'
import { parseUnnest } from './parse-unnest.ts'
import { RowShape } from './row-shape.ts'
import { collectSourceFields } from './source-fields.ts'
import { suggestName } from './suggest-name.ts'
import type { ViewCatalog, ViewPlan } from './types.ts'
import { viewError, type ViewSite } from './view-error.ts'
import { canonicalTimeZone } from './zone-offset.ts'

/** Every directive a view definition may hold, in the order they apply. */
export const VIEW_DIRECTIVES = ['$type', '$from', '$filter', '$unnest', '$expand', '$flatten', '$select', '$groupBy', '$compute', '$refresh', '$timezone'] as const

/** View names become storage prefixes (`_views/<Name>/`) and relation targets: keep them plain. */
const VIEW_NAME = /^[A-Za-z_][\w-]*$/

interface ParseContext {
  readonly catalog: ViewCatalog
  readonly plans: Map<string, ViewPlan>
  /** Views being parsed, outermost first: a `$from` naming one of them closes a cycle. */
  readonly stack: string[]
}

/**
 * Validates a view definition once and returns its frozen plan. `$from` names a collection or
 * another view of the catalog; a source view is parsed first (its output schema is this view's
 * input), and cycles are rejected naming them. Every error is a ParqueDBError('SCHEMA') whose
 * message starts with `view "<name>": <directive>[.<key>]:` and whose details hold
 * `{ view, directive, key }`.
 *
 * @example
 * const plan = parseView('DailySales', {
 *   $from: 'Order',
 *   $groupBy: [{ date: '$createdAt' }, 'status'],
 *   $compute: { orderCount: { $count: '*' }, revenue: { $sum: 'total' } },
 * }, { collections: new Map([['Order', order]]), views: new Map() })
 * plan.outputFields // ['date', 'status', 'orderCount', 'revenue']
 */
export function parseView(name: string, definition: unknown, catalog: ViewCatalog): ViewPlan {
  return parseInContext(name, definition, { catalog, plans: new Map(), stack: [] })
}

/**
 * Parses every view of a catalog (each once, whatever depends on it) and returns the plans in
 * refresh order (see orderViews).
 *
 * @example
 * const plans = parseViews({ collections, views: new Map([['WorkerRequests', requests], ['EndpointMetrics', metrics]]) })
 * [...plans.keys()] // ['WorkerRequests', 'EndpointMetrics']
 */
export function parseViews(catalog: ViewCatalog): ReadonlyMap<string, ViewPlan> {
  const context: ParseContext = { catalog, plans: new Map(), stack: [] }
  for (const [name, definition] of catalog.views) parseInContext(name, definition, context)
  return new Map(orderViews([...context.plans.values()]).map((plan) => [plan.name, plan]))
}

function parseInContext(name: string, definition: unknown, context: ParseContext): ViewPlan {
  const done = context.plans.get(name)
  if (done !== undefined) return done
  context.stack.push(name)
  try {
    const plan = buildPlan(name, definition, context)
    context.plans.set(name, plan)
    return plan
  } finally {
    context.stack.pop()
  }
}

function buildPlan(name: string, raw: unknown, context: ParseContext): ViewPlan {
  const { catalog } = context
  if (typeof name !== 'string' || !VIEW_NAME.test(name)) {
    const shown = typeof name === 'string' ? JSON.stringify(name) : describeValue(name)
    throw new ParqueDBError('SCHEMA', `view ${shown}: the name must be letters, digits, '_' or '-', starting with a letter or '_'`, { view: name })
  }
  const site = (directive?: string, key?: string): ViewSite => ({ view: name, ...(directive === undefined ? {} : { directive }), ...(key === undefined ? {} : { key }) })
  if (catalog.collections.has(name)) throw viewError(site(), `the name is already taken by a collection`)
  if (!isPlainObject(raw)) throw viewError(site(), `definition must be an object of directives such as { $from: 'Order' }, got ${describeValue(raw)}`)
  checkKeys(name, raw)
  const definition = copyDefinition(name, raw) as Readonly<Record<string, unknown>>
  const directive = (key: (typeof VIEW_DIRECTIVES)[number]): unknown => (Object.hasOwn(definition, key) ? definition[key] : undefined)

  const typeName = directive('$type') ?? name
  if (typeof typeName !== 'string' || typeName.trim() === '') throw viewError(site('$type'), `expected a non-empty string, got ${describeValue(typeName)}`)

  const grouped = directive('$groupBy') !== undefined || directive('$compute') !== undefined
  if (directive('$select') !== undefined && grouped) {
    const other = directive('$groupBy') !== undefined ? '$groupBy' : '$compute'
    throw viewError(
      site('$select'),
      `cannot be combined with ${other}: a grouped view's rows are its group keys and $compute aggregates, so there is no row for $select to shape; compute per-row values inside the aggregates or group keys (e.g. { $sum: { $multiply: ['$price', '$quantity'] } }), or select in a view of its own and group that`,
    )
  }

  const { schema: sourceSchema, kind: sourceKind } = resolveSource(name, directive('$from'), context)
  const refresh = parseRefresh(name, directive('$refresh'))
  const timeZone = parseTimeZone(name, directive('$timezone')) ?? refresh.timeZone ?? 'UTC'
  const filter = compileViewFilter(name, directive('$filter'), sourceSchema)
  const unnest = parseUnnest(name, directive('$unnest'), sourceSchema)
  const { paths, flatten } = parseExpand(name, directive('$expand'), directive('$flatten'))

  const shape = new RowShape(name, sourceSchema, catalog, unnest?.field, flatten)
  for (const path of paths) shape.expand(path, site('$expand', path), false)

  let select: ParsedSelect | undefined
  let groupBy: ParsedGroupBy | undefined
  let compute: ParsedCompute | undefined
  if (directive('$select') !== undefined) select = parseSelect(shape, directive('$select'))
  if (grouped) {
    const names = new OutputNames(true)
    if (directive('$groupBy') !== undefined) groupBy = parseGroupBy(shape, directive('$groupBy'), timeZone, names)
    if (directive('$compute') !== undefined) compute = parseCompute(shape, directive('$compute'), names)
  }

  const output: OutputSpec = grouped
    ? { kind: 'groups', columns: [...(groupBy?.outputs ?? []), ...(compute?.outputs ?? [])] }
    : select !== undefined
      ? { kind: 'select', columns: select.outputs }
      : { kind: 'copy', shape }
  const { schema: outputSchema, outputFields, hiddenFields } = inferOutputSchema(name, typeName, output)

  const sourceFields = collectSourceFields(shape, {
    copiesAll: output.kind === 'copy',
    filter: filter?.columns ?? [],
    working: [
      ...(unnest === undefined ? [] : [unnest.field]),
      ...shape.expansions.flatMap((expansion) => expansion.columns.map((column) => column.name)),
      ...(select?.fields ?? []).flatMap((field) => field.fields),
      ...(groupBy?.keys ?? []).flatMap((key) => key.fields),
      ...(compute?.fields ?? []).flatMap((field) => field.aggregate.fields),
    ],
  })

  const plan: ViewPlan = {
    name,
    typeName,
    source: sourceSchema.name,
    sourceKind,
    sourceSchema,
    definition,
    hash: definitionHash(definition),
    ...(filter === undefined ? {} : { filter }),
    ...(unnest === undefined ? {} : { unnest: Object.freeze(unnest) }),
    expand: Object.freeze(shape.expansions),
    flatten,
    ...(select === undefined ? {} : { select: Object.freeze([...select.fields]) }),
    ...(groupBy === undefined ? {} : { groupBy: Object.freeze([...groupBy.keys]) }),
    ...(compute === undefined ? {} : { compute: Object.freeze([...compute.fields]) }),
    refresh,
    timeZone,
    kind: grouped ? 'groups' : 'rows',
    sourceFields: Object.freeze(sourceFields),
    outputSchema,
    outputFields,
    hiddenFields,
    warnings: Object.freeze([...new Set(shape.warnings)]),
  }
  return Object.freeze(plan)
}

/**
 * Every key of a definition is a known directive: non-'$' keys are fields of collections, not of
 * views; unknown directives are likely typos, answered with the closest directive.
 */
export function checkKeys(view: string, definition: Readonly<Record<string, unknown>>): void {
  for (const key of Object.keys(definition)) {
    if (!key.startsWith('$')) {
      throw viewError(
        { view, key },
        `a view definition holds only directives (${VIEW_DIRECTIVES.join(', ')}); its columns come from its source, $select, $groupBy and $compute`,
      )
    }
    if (key === '$ingest') {
      throw viewError({ view, directive: key }, 'is a directive of stream collections (it wires up ingestion); a view gets its rows from $from')
    }
    if (!(VIEW_DIRECTIVES as readonly string[]).includes(key)) {
      const suggestion = suggestName(key, VIEW_DIRECTIVES)
      throw viewError({ view, directive: key }, `unknown directive${suggestion === undefined ? '' : ` (did you mean ${suggestion}?)`}; expected one of ${VIEW_DIRECTIVES.join(', ')}`)
    }
  }
}

/** The schema `$from` names, parsing a source view first. */
function resolveSource(view: string, from: unknown, context: ParseContext): { schema: CollectionSchema; kind: 'collection' | 'view' } {
  const site: ViewSite = { view, directive: '$from' }
  const { catalog, stack } = context
  if (from === undefined) throw viewError(site, 'missing: a view needs a source, the name of a collection or of another view')
  if (typeof from !== 'string' || from === '') throw viewError(site, `expected the name of a collection or view, got ${describeValue(from)}`)
  const onStack = stack.indexOf(from)
  if (onStack >= 0) {
    const cycle = [...stack.slice(onStack), from]
    throw viewError({ view: from, directive: '$from' }, `cycle ${cycle.join(' -> ')}`, { cycle })
  }
  const collection = catalog.collections.get(from)
  const isView = catalog.views.has(from)
  if (collection !== undefined && isView) throw viewError(site, `"${from}" names both a collection and a view`)
  if (collection !== undefined) return { schema: collection, kind: 'collection' }
  if (isView) return { schema: visibleSchema(parseInContext(from, catalog.views.get(from), context)), kind: 'view' }
  const collections = [...catalog.collections.keys()].sort()
  const views = [...catalog.views.keys()].filter((name) => name !== view).sort()
  const suggestion = suggestName(from, [...collections, ...views])
  const known = `collections: ${collections.join(', ') || '(none)'}; views: ${views.join(', ') || '(none)'}`
  throw viewError(site, `unknown source "${from}"${suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`}; known ${known}`, { source: from })
}

const visibleSchemas = new WeakMap<ViewPlan, CollectionSchema>()

/** A source view as its dependants see it: its output without the hidden columns. */
function visibleSchema(plan: ViewPlan): CollectionSchema {
  let schema = visibleSchemas.get(plan)
  if (schema === undefined) {
    if (plan.hiddenFields.length === 0) schema = plan.outputSchema
    else {
      const definition: Record<string, string> = { $type: plan.typeName }
      for (const field of plan.outputSchema.fields) if (!plan.hiddenFields.includes(field.name)) definition[field.name] = field.source
      schema = parseSchema(plan.name, definition)
    }
    visibleSchemas.set(plan, schema)
  }
  return schema
}

function parseTimeZone(view: string, timeZone: unknown): string | undefined {
  if (timeZone === undefined) return undefined
  const zone = typeof timeZone === 'string' ? canonicalTimeZone(timeZone) : undefined
  if (zone === undefined) throw viewError({ view, directive: '$timezone' }, `expected an IANA time zone such as 'UTC' or 'America/New_York', got ${describeValue(timeZone)}`)
  return zone
}

