import { ParqueDBError } from '../errors.ts'
import { compareValues } from '../query/compare-values.ts'
import { compileFilter } from '../query/compile-filter.ts'
import type { CompiledFilter, Filter, FindOptions } from '../query/types.ts'
import type { CollectionSchema, Row } from '../schema/types.ts'
import { findRowsIn } from '../table/find-rows.ts'
import { scanColumnsIn } from '../table/scan-columns.ts'
import type { Table } from '../table/table.ts'
import { parseView } from '../views/define/parse-view.ts'
import type { ViewCatalog, ViewPlan } from '../views/define/types.ts'
import { compileExpression } from '../views/expressions/compile-expression.ts'
import { expressionFields } from '../views/expressions/expression-fields.ts'
import { fullRefreshGroupsFromColumns, fullRefreshRows } from '../views/maintain/full-refresh-rows.ts'
import { foldColumns } from '../views/maintain/group-fold.ts'
import { planGroupAggregates } from '../views/maintain/plan-group-aggregates.ts'
import type { AnswerMeta } from '../views/view-set.ts'
import { NO_RELATED } from '../views/pipeline/related-rows.ts'
import { compileSql, type SqlPlan, type SqlSource } from './compile-sql.ts'
import { parseSelect, type SqlText } from './parse-sql.ts'
import { sqlError } from './sql-error.ts'

/** Where a query's answer came from: a view's freshness, or the collection's version read. */
export interface SqlAnswerMeta extends Omit<AnswerMeta, 'view'> {
  /** The collection or view in FROM. */
  readonly from: string
  /** Set when FROM names a view. */
  readonly view?: string
}

/** A query's rows with their freshness: `rows.meta` (not enumerable, like a view's answer). */
export type SqlRows = Row[] & { readonly meta: SqlAnswerMeta }

/** What a query can read: the collections' tables and the views' answers. */
export interface SqlCatalog {
  /** Collection schemas and raw view definitions (grouped queries are parsed as views over them). */
  readonly views: ViewCatalog
  collection(name: string): Table | undefined
  /** A view's user-visible schema and its answer to a find (fresh, or from its source past grace). */
  view(name: string): { readonly schema: CollectionSchema; readonly hidden: readonly string[]; find(filter: Filter, options: FindOptions): Promise<Row[] & { readonly meta: AnswerMeta }> } | undefined
}

const SQL_VIEW_NAME = 'sql_query'

/**
 * Runs one SELECT on the view engine: parsed (parseSelect), compiled (compileSql), then either
 * a find over the source (row queries; ORDER BY on non-null columns and LIMIT go into the find)
 * or a one-off fold of a grouped view definition over the source — from column batches of just
 * the columns it reads for a collection, files and row groups pruned by WHERE — followed by
 * HAVING, the outputs, ORDER BY and LIMIT over the group rows.
 *
 * @example
 * const rows = await runSql(sqlText`SELECT status, COUNT(*) AS n FROM "Order" GROUP BY status`, catalog)
 * rows // [{ status: 'paid', n: 2 }, ...]; rows.meta.servedFrom === 'source'
 */
export async function runSql(text: SqlText, catalog: SqlCatalog, now: Date = new Date()): Promise<SqlRows> {
  const select = await parseSelect(text.text).catch((error: unknown) => {
    throw withKeywordHint(error, text.text, catalog)
  })
  const name = select.from?.[0]?.table as string
  const table = catalog.collection(name)
  const view = table === undefined ? catalog.view(name) : undefined
  if (table === undefined && view === undefined) {
    const known = [...catalog.views.collections.keys(), ...catalog.views.views.keys()]
    throw sqlError(`FROM: no collection or view is named "${name}" (known: ${known.join(', ') || 'none'})`, { table: name })
  }
  const schema = (table?.schema ?? view?.schema) as CollectionSchema
  const hidden = new Set(view?.hidden ?? [])
  const source: SqlSource = { name, columns: schema.columns.filter((column) => !hidden.has(column.name)) }
  const plan = compileSql(select, source, text.params, now)
  checkFilter(plan.where.filter, schema)

  let meta: SqlAnswerMeta
  const read = async (filter: Filter, options: FindOptions): Promise<Row[]> => {
    if (view !== undefined) {
      const rows = await view.find(filter, options)
      meta = { ...rows.meta, from: name }
      return rows
    }
    const captured = await (table as Table).view()
    meta = { servedFrom: 'source', from: name, asOf: { [name]: captured.snapshot.version }, lagVersions: 0, lagMs: 0, stale: false }
    return findRowsIn(table as Table, captured, filter, options)
  }

  let rows: Row[]
  if (plan.kind === 'rows') {
    const residual = plan.where.residual === undefined ? undefined : compileExpression(plan.where.residual.expression, { label: 'sql: WHERE' })
    const pushed = plan.pushdown !== undefined || (plan.order.length === 0 && residual === undefined)
    const options: FindOptions = {
      project: plan.columns.length > 0 ? [...plan.columns] : ['$id'],
      ...(plan.pushdown ? { sort: plan.pushdown } : {}),
      ...(pushed && plan.limit !== undefined ? { limit: plan.limit } : {}),
      ...(pushed && plan.offset > 0 ? { skip: plan.offset } : {}),
    }
    let found = await read(plan.where.filter, options)
    if (residual) found = found.filter((row) => isTrue(residual(row)))
    rows = pushed ? found : window(sorted(found, plan), plan)
    rows = rows.map((row) => output(row, plan))
  } else {
    const grouped = groupedPlan(plan, catalog.views)
    let groups: Row[]
    if (table !== undefined) {
      const captured = await table.view()
      meta = { servedFrom: 'source', from: name, asOf: { [name]: captured.snapshot.version }, lagVersions: 0, lagMs: 0, stale: false }
      groups = await fullRefreshGroupsFromColumns(grouped, scanColumnsIn(table, captured, { ...foldColumns(grouped), filter: plan.where.filter }))
    } else {
      groups = fullRefreshRows(grouped, await read(plan.where.filter, {}), NO_RELATED)
    }
    // An aggregate over no rows at all is still one row (COUNT(*) = 0), as in SQL.
    if (groups.length === 0 && grouped.groupBy === undefined) {
      const aggregates = planGroupAggregates(grouped)
      groups = [aggregates.result(aggregates.init())]
    }
    const having = plan.having
    if (having) groups = groups.filter((row) => isTrue(having(row)))
    rows = window(sorted(groups, plan), plan).map((row) => output(row, plan))
  }
  return Object.defineProperty(rows, 'meta', { value: Object.freeze(meta!), enumerable: false }) as SqlRows
}

/** SQL keywords that are common entry names ('Order', 'User'): unquoted, they do not parse. */
const KEYWORDS = new Set(['ORDER', 'USER', 'GROUP', 'SELECT', 'TABLE', 'LIMIT', 'WHERE', 'FROM', 'CASE', 'END', 'ALL', 'DEFAULT', 'OFFSET', 'WINDOW', 'CHECK', 'COLUMN', 'INDEX', 'KEY', 'ROWS', 'SESSION', 'EVENT', 'EVENTS'])

/** A syntax error that an unquoted entry named like a keyword explains gets the fix appended. */
function withKeywordHint(error: unknown, text: string, catalog: SqlCatalog): unknown {
  if (!ParqueDBError.isInstance(error, 'BAD_SQL') || !error.message.includes('syntax error')) return error
  const names = [...catalog.views.collections.keys(), ...catalog.views.views.keys()]
  const clash = names.find((name) => KEYWORDS.has(name.toUpperCase()) && new RegExp(`(^|[^"\\w])${name}([^"\\w]|$)`).test(text))
  if (clash === undefined) return error
  return sqlError(`${error.message.replace(/^\[parquedb\] sql: /, '')} ("${clash}" is an SQL keyword: quote it, as in FROM "${clash}")`, { ...error.details, table: clash })
}

/** The grouped view the plan folds, with WHERE's residual as its filter (the find filter prunes the scan). */
function groupedPlan(plan: SqlPlan, catalog: ViewCatalog): ViewPlan {
  let parsed: ViewPlan
  try {
    parsed = parseView(SQL_VIEW_NAME, plan.definition, catalog)
  } catch (error) {
    if (!ParqueDBError.isInstance(error)) throw error
    throw sqlError(error.message.replace(/^\[parquedb\] /, '').replace(`view "${SQL_VIEW_NAME}": `, ''), { ...error.details })
  }
  const residual = plan.where.residual
  if (residual === undefined) return parsed
  const evaluate = compileExpression(residual.expression, { label: 'sql: WHERE' })
  const filter: CompiledFilter = {
    columns: expressionFields(residual.expression),
    test: (row) => isTrue(evaluate(row)),
    mayMatch: () => true,
  }
  return { ...parsed, filter }
}

function checkFilter(filter: Filter, schema: CollectionSchema): void {
  try {
    compileFilter(filter, { label: `"${schema.name}"`, schema })
  } catch (error) {
    if (!ParqueDBError.isInstance(error, 'BAD_FILTER')) throw error
    throw sqlError(`WHERE: ${error.message.replace(/^\[parquedb\] /, '')}`, { ...error.details })
  }
}

/** SQL keeps a row where the condition is true: not where it is false or NULL. */
function isTrue(value: unknown): boolean {
  return value !== null && value !== undefined && Boolean(value)
}

function output(row: Row, plan: SqlPlan): Row {
  const out: Row = {}
  for (const term of plan.outputs) out[term.name] = term.evaluate(row) ?? null
  return out
}

function sorted(rows: Row[], plan: SqlPlan): Row[] {
  if (plan.order.length === 0) return rows
  const keyed = rows.map((row) => ({ row, keys: plan.order.map((term) => term.evaluate(row) ?? null) }))
  keyed.sort((a, b) => {
    for (const [index, term] of plan.order.entries()) {
      const x = a.keys[index]
      const y = b.keys[index]
      if (x === null || y === null) {
        if (x === y) continue
        return (x === null) === term.nullsFirst ? -1 : 1
      }
      const order = compareValues(x, y)
      if (order !== 0) return term.descending ? -order : order
    }
    return 0
  })
  return keyed.map((entry) => entry.row)
}

function window(rows: Row[], plan: SqlPlan): Row[] {
  return rows.slice(plan.offset, plan.limit === undefined ? undefined : plan.offset + plan.limit)
}
