import { compileExpression } from '../views/expressions/compile-expression.ts'
import { expressionFields } from '../views/expressions/expression-fields.ts'
import type { CompiledExpression, Expression } from '../views/expressions/types.ts'
import type { ScalarField } from '../schema/types.ts'
import type { SortSpec } from '../query/types.ts'
import { planWhere, type WherePlan } from './plan-where.ts'
import { columnName, functionName, listValues, nodeKey, type ColumnRefNode, type OrderItem, type SelectNode, type SqlNode } from './sql-ast.ts'
import { sqlError, unsupported } from './sql-error.ts'
import { constantValue, isAggregateCall, translate, type AggregateCall, type ExpressionScope, type Translated } from './sql-expression.ts'

/** The collection or view a query reads, as the compiler sees it. */
export interface SqlSource {
  readonly name: string
  /** The columns a user can read, in order (system columns first). */
  readonly columns: readonly ScalarField[]
}

/** One output column, or one ORDER BY term, compiled. */
export interface CompiledTerm {
  readonly name: string
  readonly evaluate: CompiledExpression
  /** The plain source column it reads, when it is just that (lets a find sort and project). */
  readonly column?: string
}

export interface OrderTerm extends CompiledTerm {
  readonly descending: boolean
  readonly nullsFirst: boolean
}

/**
 * A compiled query. 'rows' queries filter source rows and compute each output from one row;
 * 'groups' queries are a transient grouped view (`definition`, run by the view engine's fold)
 * whose outputs, HAVING and ORDER BY read the group rows.
 */
export interface SqlPlan {
  readonly kind: 'rows' | 'groups'
  readonly source: string
  readonly where: WherePlan
  /** 'groups': the view definition folding the source ({ $from, $groupBy, $compute }). */
  readonly definition?: Readonly<Record<string, unknown>>
  readonly outputs: readonly CompiledTerm[]
  readonly having?: CompiledExpression
  readonly order: readonly OrderTerm[]
  readonly limit?: number
  readonly offset: number
  /** 'rows': the source columns read. */
  readonly columns: readonly string[]
  /** 'rows': the sort a find can do itself (ORDER BY non-null plain columns, no residual WHERE). */
  readonly pushdown?: SortSpec
}

const BUCKETS: Readonly<Record<string, string>> = { minute: 'minute', hour: 'hour', day: 'day', week: 'week', month: 'month' }

/**
 * Compiles a parsed SELECT over one source onto the view engine: WHERE to a find filter plus
 * a residual expression (planWhere), SELECT / HAVING / ORDER BY expressions to compiled view
 * expressions, and aggregation to a grouped view definition — GROUP BY columns, date_trunc
 * buckets and expressions as `$groupBy` keys, every aggregate as a `$compute` entry (the same
 * one written twice is computed once). Errors name the clause and the construct.
 *
 * @example
 * compileSql(parseSelect('SELECT status, COUNT(*) AS n FROM "Order" GROUP BY status'), order, [], new Date()).definition
 * // { $from: 'Order', $groupBy: ['status'], $compute: { __a0: { $count: '*' } } }
 */
export function compileSql(select: SelectNode, source: SqlSource, params: readonly unknown[], now: Date): SqlPlan {
  const from = select.from?.[0]
  const tableNames = new Set([source.name, ...(from?.as ? [from.as] : [])])
  const resolve = (node: ColumnRefNode, clause: string): ScalarField => {
    if (node.table !== null && node.table !== undefined && !tableNames.has(node.table)) {
      throw sqlError(`${clause}: "${node.table}" is not the table queried ("${source.name}")`, { table: node.table })
    }
    const name = columnName(node)
    if (name === '*') throw sqlError(`${clause}: * stands only alone in the SELECT list`, { construct: '*' })
    return findColumn(source, name, clause)
  }
  const sourceScope = (clause: string): ExpressionScope => ({
    clause,
    params,
    now,
    column: (node) => columnRead(resolve(node, clause)),
  })

  const where = planWhere(select.where, sourceScope('WHERE'))
  const items = expandStar(select, source)
  const aggregated = hasAggregate(select)
  const grouped = aggregated || (select.groupby?.columns?.length ?? 0) > 0 || select.distinct?.type === 'DISTINCT'
  if (select.having && !grouped) throw sqlError('HAVING needs GROUP BY or an aggregate', { construct: 'HAVING' })
  const names = outputNames(items)
  const { limit, offset } = limitOf(select, params, now)

  if (!grouped) {
    const scope = sourceScope('SELECT')
    const outputs = items.map((item, index) => term(names[index] as string, translate(item.expr, scope)))
    const order = orderTerms(select.orderby, items, names, (node) => translate(node, sourceScope('ORDER BY')))
    const read = new Set<string>()
    for (const expression of [...outputs, ...order].map((entry) => entry.expression)) for (const field of expressionFields(expression)) read.add(field)
    for (const field of where.residual ? expressionFields(where.residual.expression) : []) read.add(field)
    const nonNull = (column: string | undefined) => column !== undefined && findColumn(source, column, 'ORDER BY').required
    const pushable = where.residual === undefined && order.every((entry) => nonNull(entry.column))
    const columns = source.columns.map((column) => column.name).filter((name) => read.has(name))
    return {
      kind: 'rows',
      source: source.name,
      where,
      outputs: outputs.map(compiled),
      order: order.map(compiled),
      ...(limit === undefined ? {} : { limit }),
      offset,
      columns,
      ...(pushable && order.length > 0 ? { pushdown: Object.fromEntries(order.map((entry) => [entry.column as string, entry.descending ? -1 : 1])) as SortSpec } : {}),
    }
  }

  // Grouped: keys first (GROUP BY terms, then every SELECT term for DISTINCT), then aggregates as met.
  const keyNodes = [...(select.groupby?.columns ?? []).map((node) => groupTerm(node, items, names)), ...(select.distinct?.type === 'DISTINCT' ? items.map((item) => item.expr) : [])]
  const keys = new Map<string, { entry: unknown; read: Translated }>()
  const keyColumns = new Map<string, Translated>()
  keyNodes.forEach((node, index) => {
    const id = nodeKey(node)
    if (keys.has(id)) return
    if (node.type === 'column_ref') {
      const column = resolve(node as ColumnRefNode, 'GROUP BY')
      const read = { ...columnRead(column), nullable: true }
      keys.set(id, { entry: column.name, read })
      keyColumns.set(column.name, read)
      return
    }
    const bucket = bucketOf(node, sourceScope('GROUP BY'))
    const name = bucket?.unit ?? `__k${index}`
    if ([...keys.values()].some((key) => typeof key.entry === 'object' && key.entry !== null && name in key.entry)) {
      throw unsupported(`two GROUP BY buckets of one unit (${name})`)
    }
    const expression = bucket?.expression ?? translate(node, sourceScope('GROUP BY')).expression
    keys.set(id, { entry: { [name]: expression }, read: { expression: `$${name}`, nullable: true, constant: false } })
  })
  const compute = new Map<string, { name: string; spec: Readonly<Record<string, unknown>> }>()
  const groupScope = (clause: string): ExpressionScope => ({
    clause,
    params,
    now,
    known: (node) => keys.get(nodeKey(node))?.read,
    inputs: sourceScope(clause),
    column: (node) => {
      const column = resolve(node, clause)
      const key = keyColumns.get(column.name)
      if (key === undefined) {
        throw sqlError(`${clause}: column "${column.name}" must appear in GROUP BY or be used in an aggregate`, { column: column.name })
      }
      return key
    },
    aggregate: (call: AggregateCall) => {
      let entry = compute.get(call.key)
      if (entry === undefined) {
        entry = { name: `__a${compute.size}`, spec: call.spec }
        compute.set(call.key, entry)
      }
      return { expression: `$${entry.name}`, nullable: !('$count' in call.spec), constant: false }
    },
  })
  const outputs = items.map((item, index) => term(names[index] as string, translate(item.expr, groupScope('SELECT'))))
  const having = select.having ? translate(select.having, groupScope('HAVING')) : undefined
  const order = orderTerms(select.orderby, items, names, (node) => translate(node, groupScope('ORDER BY')))
  const definition = {
    $from: source.name,
    ...(keys.size > 0 ? { $groupBy: [...keys.values()].map((key) => key.entry) } : {}),
    ...(compute.size > 0 ? { $compute: Object.fromEntries([...compute.values()].map((entry) => [entry.name, entry.spec])) } : {}),
  }
  return {
    kind: 'groups',
    source: source.name,
    where,
    definition,
    outputs: outputs.map(compiled),
    ...(having === undefined ? {} : { having: compileExpression(having.expression, { label: 'sql: HAVING' }) }),
    order: order.map(compiled),
    ...(limit === undefined ? {} : { limit }),
    offset,
    columns: [],
  }
}

interface Term {
  readonly name: string
  readonly expression: Expression
  readonly column?: string
}

function term(name: string, translated: Translated): Term {
  const expression = translated.expression
  const plain = typeof expression === 'string' && /^\$\$?[^.$][^.]*$/.test(expression)
  return { name, expression, ...(plain ? { column: expression.replace(/^\$/, '') } : {}) }
}

function compiled<T extends Term>(entry: T): Omit<T, 'expression'> & CompiledTerm {
  const { expression, ...rest } = entry
  return { ...rest, evaluate: compileExpression(expression, { label: `sql: ${entry.name}` }) }
}

function columnRead(column: ScalarField): Translated {
  return { expression: column.name === '$id' ? '$$id' : `$${column.name}`, nullable: !column.required, constant: false, kind: column.kind }
}

/** A column by name: exact, else the one column equal ignoring case (SQL folds unquoted names). */
function findColumn(source: SqlSource, name: string, clause: string): ScalarField {
  const exact = source.columns.find((column) => column.name === name)
  if (exact) return exact
  const folded = source.columns.filter((column) => column.name.toLowerCase() === name.toLowerCase())
  if (folded.length === 1) return folded[0] as ScalarField
  const near = source.columns.find((column) => column.name.toLowerCase().startsWith(name.toLowerCase().slice(0, 3)))
  throw sqlError(`${clause}: column "${name}" does not exist in "${source.name}"${near ? ` (did you mean "${near.name}"?)` : ''}`, { column: name })
}

/** `SELECT *` as one item per column; a star among other items is refused. */
function expandStar(select: SelectNode, source: SqlSource): readonly { expr: SqlNode; as: string | null }[] {
  const isStar = (item: { expr: SqlNode }) => item.expr.type === 'column_ref' && columnName(item.expr as ColumnRefNode) === '*'
  if (!select.columns.some(isStar)) return select.columns
  if (select.columns.length > 1) throw unsupported('* alongside other SELECT items', 'list the columns')
  return source.columns.map((column) => ({ expr: { type: 'column_ref', table: null, column: { expr: { type: 'default', value: column.name } } } as SqlNode, as: null }))
}

/** Names of the output columns: AS, else the column, else the function's name; two alike are refused. */
function outputNames(items: readonly { expr: SqlNode; as: string | null }[]): string[] {
  const names = items.map((item, index) => {
    if (item.as) return item.as
    const node = item.expr
    if (node.type === 'column_ref') return columnName(node as ColumnRefNode)
    if (node.type === 'aggr_func') return String(node.name).toLowerCase()
    if (node.type === 'function') return functionName(node).toLowerCase()
    return `column${index}`
  })
  const seen = new Set<string>()
  for (const name of names) {
    if (seen.has(name)) throw sqlError(`SELECT: two output columns are named "${name}"; name them apart with AS`, { column: name })
    seen.add(name)
  }
  return names
}

function hasAggregate(select: SelectNode): boolean {
  let found = false
  const visit = (value: unknown): void => {
    if (found || typeof value !== 'object' || value === null) return
    const node = value as SqlNode
    if (isAggregateCall(node)) found = true
    else for (const inner of Object.values(node)) visit(inner)
  }
  select.columns.forEach((item) => visit(item.expr))
  visit(select.having)
  select.orderby?.forEach((item) => visit(item.expr))
  return found
}

/** A GROUP BY term: an ordinal or an output name stands for that SELECT item. */
function groupTerm(node: SqlNode, items: readonly { expr: SqlNode }[], names: readonly string[]): SqlNode {
  if (node.type === 'number') {
    const item = items[Number(node.value) - 1]
    if (item === undefined) throw sqlError(`GROUP BY ${String(node.value)}: there are ${items.length} SELECT items`)
    return item.expr
  }
  if (node.type === 'column_ref' && node.table === null) {
    const index = names.indexOf(columnName(node as ColumnRefNode))
    const item = items[index]
    if (item !== undefined && item.expr.type !== 'column_ref') return item.expr
  }
  return node
}

/** `date_trunc('hour', ts)`: the view engine's time bucket of that unit. */
function bucketOf(node: SqlNode, scope: ExpressionScope): { unit: string; expression: Expression } | undefined {
  if (node.type !== 'function' || functionName(node).toUpperCase() !== 'DATE_TRUNC') return undefined
  const [unitNode, value] = listValues(node.args)
  const unitText = unitNode === undefined ? undefined : constantValue(translate(unitNode, scope))
  const unit = typeof unitText === 'string' ? BUCKETS[unitText.toLowerCase()] : undefined
  if (unit === undefined || value === undefined) throw unsupported(`date_trunc(${JSON.stringify(unitText ?? null)}, ...)`, 'buckets are minute, hour, day, week and month')
  return { unit, expression: translate(value, scope).expression }
}

function orderTerms(
  orderBy: readonly OrderItem[] | null,
  items: readonly { expr: SqlNode; as: string | null }[],
  names: readonly string[],
  translateNode: (node: SqlNode) => Translated,
): (Term & { descending: boolean; nullsFirst: boolean })[] {
  return (orderBy ?? []).map((entry) => {
    const descending = entry.type === 'DESC'
    // DuckDB's default: NULLs last whichever the direction.
    const nullsFirst = entry.nulls === 'NULLS FIRST'
    const node = entry.expr
    if (node.type === 'number') {
      const index = Number(node.value) - 1
      const item = items[index]
      if (item === undefined) throw sqlError(`ORDER BY ${String(node.value)}: there are ${items.length} SELECT items`)
      return { ...term(names[index] as string, translateNode(item.expr)), descending, nullsFirst }
    }
    if (node.type === 'column_ref' && node.table === null) {
      const index = names.indexOf(columnName(node as ColumnRefNode))
      const item = items[index]
      if (item !== undefined) return { ...term(names[index] as string, translateNode(item.expr)), descending, nullsFirst }
    }
    return { ...term('ORDER BY', translateNode(node)), descending, nullsFirst }
  })
}

function limitOf(select: SelectNode, params: readonly unknown[], now: Date): { limit?: number; offset: number } {
  const values = select.limit?.value ?? []
  const scope: ExpressionScope = { clause: 'LIMIT', params, now, column: () => { throw sqlError('LIMIT and OFFSET take numbers, not columns', { construct: 'LIMIT' }) } }
  const count = (node: SqlNode | undefined, clause: string): number | undefined => {
    if (node === undefined) return undefined
    const value = constantValue(translate(node, { ...scope, clause }))
    const number = typeof value === 'bigint' ? Number(value) : value
    if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 0) throw sqlError(`${clause} must be a non-negative integer, got ${String(value)}`, { construct: clause })
    return number
  }
  const separator = select.limit?.seperator ?? ''
  if (separator === ',') return { offset: count(values[0], 'OFFSET') ?? 0, ...(values[1] ? { limit: count(values[1], 'LIMIT') as number } : {}) }
  const limit = count(values[0], 'LIMIT')
  return { ...(limit === undefined ? {} : { limit }), offset: count(values[1], 'OFFSET') ?? 0 }
}
