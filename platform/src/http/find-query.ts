import { ParqueDBError, type CollectionFindOptions, type Filter } from '@parquedb/mv-core'

/** A find as the HTTP API takes it: the filter and the options, before the engine checks them. */
export interface FindQuery {
  readonly filter: Filter
  readonly options: CollectionFindOptions
  /** The request named no limit, so DEFAULT_LIMIT applies (the response then says whether more rows match). */
  readonly defaultLimit: boolean
}

/** Rows a query without `limit` answers at most: a plain GET never streams a whole table. */
export const DEFAULT_LIMIT = 1000

/** `include` is a collection option (relations to nest); views have none. */
export type FindTarget = 'collection' | 'view'

const BODY_KEYS = ['filter', 'sort', 'limit', 'skip', 'project', 'asOf', 'include'] as const
const PARAM_KEYS = new Set<string>(BODY_KEYS)

/**
 * A find from query parameters: `filter` (JSON), `sort` (JSON, or `field` / `-field`, comma
 * separated), `limit`, `skip`, `project` (JSON, or a comma list of fields), `asOf` (a version
 * number or an ISO date) and, on collections, `include` (comma list). The engine checks the rest
 * (operators, fields) and answers BAD_FILTER naming what is wrong.
 *
 * @example
 * findQueryFromParams(new URL('http://x/?filter={"status":"paid"}&sort=-createdAt&limit=10').searchParams, 'collection')
 */
export function findQueryFromParams(params: URLSearchParams, target: FindTarget): FindQuery {
  for (const key of params.keys()) {
    if (!PARAM_KEYS.has(key)) throw bad(`unknown query parameter "${key}" (expected ${allowedKeys(target)})`, key)
  }
  const text = (key: string) => params.get(key) ?? undefined
  const filter = text('filter')
  const sort = text('sort')
  const project = text('project')
  const include = text('include')
  return build(target, {
    filter: filter === undefined ? undefined : parseJson(filter, 'filter'),
    sort: sort === undefined ? undefined : sort.trimStart().startsWith('{') ? parseJson(sort, 'sort') : sortFromList(sort),
    limit: integerParam(text('limit'), 'limit'),
    skip: integerParam(text('skip'), 'skip'),
    project: project === undefined ? undefined : /^\s*[[{]/.test(project) ? parseJson(project, 'project') : listOf(project),
    asOf: text('asOf'),
    include: include === undefined ? undefined : listOf(include),
  })
}

/**
 * A find from a JSON body `{ filter, sort, limit, skip, project, asOf, include }` (POST
 * `.../query`, for filters too long for a URL). `asOf` is a version number or an ISO date.
 */
export function findQueryFromBody(body: unknown, target: FindTarget): FindQuery {
  if (body === undefined || body === null) return build(target, {})
  if (typeof body !== 'object' || Array.isArray(body)) throw bad('the query body must be a JSON object such as { "filter": {...}, "limit": 10 }')
  for (const key of Object.keys(body)) {
    if (!PARAM_KEYS.has(key)) throw bad(`unknown key "${key}" in the query body (expected ${allowedKeys(target)})`, key)
  }
  return build(target, body as Record<string, unknown>)
}

function build(target: FindTarget, parts: Readonly<Record<string, unknown>>): FindQuery {
  const { filter, sort, limit, skip, project, asOf, include } = parts
  if (target === 'view' && include !== undefined) throw bad('"include" is for collections: a view holds its relations already ($expand)', 'include')
  if (include !== undefined && !(Array.isArray(include) && include.every((path) => typeof path === 'string'))) {
    throw bad('"include" must be a list of relation paths, e.g. ["customer", "lines.product"]', 'include')
  }
  if (filter !== undefined && (typeof filter !== 'object' || filter === null || Array.isArray(filter))) {
    throw bad('"filter" must be a JSON object such as {"status":"paid"}', 'filter')
  }
  const options: Record<string, unknown> = { sort, limit: limit ?? DEFAULT_LIMIT, skip, project, asOf: asOfValue(asOf), include }
  for (const key of Object.keys(options)) if (options[key] === undefined) delete options[key]
  return { filter: (filter ?? {}) as Filter, options: options as CollectionFindOptions, defaultLimit: limit === undefined }
}

/** A commit version (digits) or an instant (an ISO date); anything else is refused by name. */
function asOfValue(value: unknown): number | Date | undefined {
  if (value === undefined || typeof value === 'number') return value
  if (typeof value !== 'string') throw bad(`"asOf" must be a version number or an ISO date, got ${JSON.stringify(value)}`, 'asOf')
  if (/^\d+$/.test(value)) return Number(value)
  const instant = /^\d{4}-\d{2}-\d{2}/.test(value) ? new Date(value) : new Date(Number.NaN)
  if (Number.isNaN(instant.getTime())) throw bad(`"asOf" must be a version number or an ISO date, got ${JSON.stringify(value)}`, 'asOf')
  return instant
}

/** `-createdAt,name` → `{ createdAt: -1, name: 1 }`. */
function sortFromList(list: string): Record<string, 1 | -1> {
  const sort: Record<string, 1 | -1> = {}
  for (const field of listOf(list)) {
    if (field.startsWith('-')) sort[field.slice(1)] = -1
    else sort[field.startsWith('+') ? field.slice(1) : field] = 1
  }
  return sort
}

function listOf(list: string): string[] {
  return list.split(',').map((item) => item.trim()).filter((item) => item !== '')
}

function integerParam(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined
  if (!/^\d+$/.test(value.trim())) throw bad(`"${name}" must be a non-negative integer, got ${JSON.stringify(value)}`, name)
  return Number(value)
}

function parseJson(text: string, name: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    throw bad(`"${name}" is not valid JSON: ${error instanceof Error ? error.message : String(error)}`, name)
  }
}

function allowedKeys(target: FindTarget): string {
  return BODY_KEYS.filter((key) => target === 'collection' || key !== 'include').join(', ')
}

function bad(message: string, option?: string): ParqueDBError {
  return new ParqueDBError('BAD_FILTER', message, option === undefined ? {} : { option })
}

/**
 * The JSON body of a find's answer: the rows and their metadata; when the default limit applied,
 * `limit` and `more` (the page is full: ask again with `skip` or a larger `limit`).
 */
export function findAnswer(rows: readonly unknown[] & { readonly meta?: unknown }, query: FindQuery): Record<string, unknown> {
  return query.defaultLimit ? { rows, meta: rows.meta, limit: DEFAULT_LIMIT, more: rows.length === DEFAULT_LIMIT } : { rows, meta: rows.meta }
}
