import type { ScalarKind } from '../schema/types.ts'
import { compileExpression } from '../views/expressions/compile-expression.ts'
import { expressionFields } from '../views/expressions/expression-fields.ts'
import type { Expression } from '../views/expressions/types.ts'
import { functionName, listValues, type ColumnRefNode, type SqlNode } from './sql-ast.ts'
import { sqlError, unsupported } from './sql-error.ts'
import { intervalMillis } from './sql-interval.ts'

/** A SQL expression in the view engine's expression language, with what the compiler knows of it. */
export interface Translated {
  readonly expression: Expression
  /** May be NULL (SQL's unknown): comparisons and logic over it must keep three-valued logic. */
  readonly nullable: boolean
  /** Reads no row: literals, parameters, NOW() and arithmetic over them. */
  readonly constant: boolean
  /** The column kind when the expression is a plain column. */
  readonly kind?: ScalarKind
}

/** What an expression can read where it stands (a source row in WHERE, a group in HAVING). */
export interface ExpressionScope {
  /** 'WHERE', 'SELECT', 'GROUP BY', 'HAVING', 'ORDER BY': named in errors. */
  readonly clause: string
  readonly params: readonly unknown[]
  /** NOW() and CURRENT_TIMESTAMP: one instant for the whole query. */
  readonly now: Date
  column(node: ColumnRefNode): Translated
  /** An aggregate call; absent where aggregates are not allowed (WHERE, GROUP BY). */
  aggregate?(call: AggregateCall): Translated
  /** Where an aggregate's arguments are read (the source rows, under a grouping scope). */
  readonly inputs?: ExpressionScope
  /** A subtree the scope computes already (a GROUP BY key), as it reads there. */
  known?(node: SqlNode): Translated | undefined
}

/** An aggregate as the view engine computes it: `{ $sum: input }`, ... */
export interface AggregateCall {
  /** The SQL as written, for errors and output names ('count', 'sum'). */
  readonly name: string
  readonly spec: Readonly<Record<string, unknown>>
  /** A stable key, so the same aggregate written twice is computed once. */
  readonly key: string
}

const COMPARISONS: Readonly<Record<string, string>> = { '=': '$eq', '!=': '$ne', '<>': '$ne', '<': '$lt', '<=': '$lte', '>': '$gt', '>=': '$gte' }
const ARITHMETIC: Readonly<Record<string, string>> = { '+': '$add', '-': '$subtract', '*': '$multiply', '/': '$divide' }
const NUMERIC_TYPES = new Set(['DOUBLE', 'FLOAT', 'REAL', 'NUMERIC', 'DECIMAL', 'DOUBLE PRECISION', 'FLOAT8', 'FLOAT4'])
const TEXT_TYPES = new Set(['VARCHAR', 'TEXT', 'STRING', 'CHAR'])

const literal = (value: unknown): Translated => ({
  expression: (typeof value === 'string' && value.startsWith('$')) || (typeof value === 'object' && value !== null && !(value instanceof Date)) ? { $literal: value } : (value as Expression),
  nullable: value === null,
  constant: true,
})

/**
 * Translates a SQL expression into the view engine's expression language, so SQL runs on the
 * same compiled expressions as `$compute` and `$groupBy`. SQL's three-valued logic is kept: a
 * comparison with a NULL operand, and AND/OR/NOT over unknowns, give null, which CASE and WHERE
 * treat as not true. Unknown functions and operators fail naming the construct and the clause.
 *
 * @example
 * translate(parseSelect("SELECT 1 FROM T WHERE outcome != 'ok'").where, scope).expression
 * // { $cond: [{ $eq: ['$outcome', null] }, null, { $ne: ['$outcome', 'ok'] }] }
 */
export function translate(node: SqlNode, scope: ExpressionScope): Translated {
  const known = scope.known?.(node)
  if (known !== undefined) return known
  switch (node.type) {
    case 'column_ref':
      return scope.column(node as ColumnRefNode)
    case 'number':
      return literal(numberOf(node.value))
    case 'bigint': {
      const text = String(node.value)
      return literal(/^-?\d+$/.test(text) && !Number.isSafeInteger(Number(text)) ? BigInt(text) : Number(text))
    }
    case 'single_quote_string':
    case 'string':
      return literal(String(node.value).replaceAll("''", "'"))
    case 'bool':
      return literal(node.value === true || node.value === 'true' || node.value === 'TRUE')
    case 'null':
      return literal(null)
    case 'var':
      return parameter(node, scope)
    case 'binary_expr':
      return binary(node, scope)
    case 'unary_expr':
      return unary(node, scope)
    case 'case':
      return caseWhen(node, scope)
    case 'cast':
      return cast(node, scope)
    case 'function':
      return call(node, scope)
    case 'aggr_func':
      return aggregateOf(node, scope)
    case 'interval':
      throw sqlError(`${scope.clause}: an INTERVAL is only an operand of + or - with a timestamp (NOW() - INTERVAL '1 hour')`, { construct: 'INTERVAL' })
    case 'star':
      throw sqlError(`${scope.clause}: * only counts rows, as in COUNT(*)`, { construct: '*' })
    case 'window_func':
      throw unsupported(`window function ${String(node.name).toUpperCase()}() OVER (...)`)
    case 'expr_list':
      if (listValues(node).some((value) => (value as { ast?: unknown }).ast !== undefined)) throw unsupported('subqueries')
      throw unsupported(`a list of values in ${scope.clause}`, 'lists are operands of IN')
    default:
      if ((node as { ast?: unknown }).ast !== undefined) throw unsupported('subqueries')
      throw unsupported(`${scope.clause}: expression of type ${node.type}`)
  }
}

/** The value of a constant expression, computed now. */
export function constantValue(translated: Translated): unknown {
  return compileExpression(translated.expression, { label: 'sql' })({})
}

/** The expression only if it reads no field (expressionFields is empty): a constant. */
function isConstant(expression: Expression): boolean {
  return expressionFields(expression).length === 0
}

function numberOf(value: unknown): number {
  const number = typeof value === 'number' ? value : Number(value)
  if (!Number.isFinite(number)) throw sqlError(`${JSON.stringify(value)} is not a number`)
  return number
}

function parameter(node: SqlNode, scope: ExpressionScope): Translated {
  const index = Number(node.name)
  if (node.prefix !== '$' || !Number.isInteger(index) || index < 1 || index > scope.params.length) {
    throw sqlError(`${scope.clause}: parameter ${String(node.prefix ?? '')}${String(node.name)} has no value (interpolate values with \${...} in the template)`, { construct: 'parameter' })
  }
  const value = scope.params[index - 1]
  const ok = value === null || value instanceof Date || ['string', 'number', 'bigint', 'boolean'].includes(typeof value)
  if (!ok || (value instanceof Date && Number.isNaN(value.getTime())) || (typeof value === 'number' && !Number.isFinite(value))) {
    const shown = value === undefined ? 'undefined' : value instanceof Date ? 'an Invalid Date' : Array.isArray(value) ? 'an array' : typeof value === 'number' ? String(value) : typeof value
    throw sqlError(`${scope.clause}: parameter $${index} is ${shown}; values are strings, numbers, bigints, booleans, Dates or null${Array.isArray(value) ? ' (for a list, interpolate each value: IN (${a}, ${b}))' : ''}`, { parameter: index })
  }
  return literal(value)
}

function binary(node: SqlNode, scope: ExpressionScope): Translated {
  const operator = String(node.operator).toUpperCase()
  const left = node.left as SqlNode
  const right = node.right as SqlNode
  if (operator === 'AND' || operator === 'OR') return logic(operator, [translate(left, scope), translate(right, scope)])
  if (operator in COMPARISONS) return compare(operator, translate(left, scope), translate(right, scope))
  if (operator === 'IS' || operator === 'IS NOT') return isTest(operator, left, right, scope)
  if (operator === 'IN' || operator === 'NOT IN') {
    const value = translate(left, scope)
    const values = listValues(right)
    if (right.type !== 'expr_list' || values.some((entry) => (entry as { ast?: unknown }).ast !== undefined)) throw unsupported(`${operator} with a subquery`)
    const matches = logic('OR', values.map((entry) => compare('=', value, translate(entry, scope))))
    return operator === 'IN' ? matches : not(matches)
  }
  if (operator === 'BETWEEN' || operator === 'NOT BETWEEN') {
    const [low, high] = listValues(right)
    if (low === undefined || high === undefined) throw sqlError(`${scope.clause}: BETWEEN needs two bounds`)
    const value = translate(left, scope)
    const within = logic('AND', [compare('>=', value, translate(low, scope)), compare('<=', value, translate(high, scope))])
    return operator === 'BETWEEN' ? within : not(within)
  }
  if (operator in ARITHMETIC) return arithmetic(operator, left, right, scope)
  if (operator.includes('LIKE')) throw unsupported(`${operator} outside WHERE`, 'in WHERE it filters rows; in SELECT, CASE or HAVING it cannot be computed yet')
  throw unsupported(`operator ${operator}`)
}

function arithmetic(operator: string, leftNode: SqlNode, rightNode: SqlNode, scope: ExpressionScope): Translated {
  const interval = (node: SqlNode) => (node.type === 'interval' ? intervalMillis(node, scope.clause) : undefined)
  const leftInterval = interval(leftNode)
  const rightInterval = interval(rightNode)
  if (leftInterval !== undefined && (operator !== '+' || rightInterval !== undefined)) {
    throw sqlError(`${scope.clause}: an INTERVAL can be added to a timestamp or subtracted from one, not used as ${operator === '+' ? 'the only operand' : `the left operand of ${operator}`}`, { construct: 'INTERVAL' })
  }
  if (rightInterval !== undefined && operator !== '+' && operator !== '-') throw sqlError(`${scope.clause}: an INTERVAL cannot be an operand of ${operator}`, { construct: 'INTERVAL' })
  const left = leftInterval === undefined ? translate(leftNode, scope) : literal(leftInterval)
  const right = rightInterval === undefined ? translate(rightNode, scope) : literal(rightInterval)
  const expression = { [ARITHMETIC[operator] as string]: [left.expression, right.expression] } as Expression
  return folded({ expression, nullable: left.nullable || right.nullable || operator === '/', constant: left.constant && right.constant })
}

/** Constant subtrees are computed once, here (NOW() - INTERVAL '1 hour' becomes one instant). */
function folded(translated: Translated): Translated {
  return translated.constant && isConstant(translated.expression) ? literal(constantValue(translated)) : translated
}

function compare(operator: string, leftIn: Translated, rightIn: Translated): Translated {
  const [left, right] = coerced(leftIn, rightIn)
  if ((left.constant && left.expression === null) || (right.constant && right.expression === null)) return literal(null)
  const test = { [COMPARISONS[operator] as string]: [left.expression, right.expression] } as Expression
  return folded(guardNulls([left, right], test))
}

/** A string literal compared with a timestamp column is read as an instant, as SQL casts it. */
function coerced(left: Translated, right: Translated): [Translated, Translated] {
  const asInstant = (side: Translated, other: Translated) => {
    if (other.kind !== 'timestamp' || !side.constant || typeof side.expression !== 'string') return side
    return literal(sqlInstant(side.expression))
  }
  return [asInstant(left, right), asInstant(right, left)]
}

/**
 * A timestamp literal as an instant: ISO 8601, or SQL's '2024-01-15 10:30:00'; without a zone
 * it is UTC (the zone stored timestamps are in), never the machine's local time.
 *
 * @example
 * sqlInstant('2024-01-15 10:30') // 2024-01-15T10:30:00.000Z
 */
export function sqlInstant(text: string): Date {
  const local = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?$/.exec(text.trim())
  const instant = local ? new Date(`${local[1]}T${local[2] ?? '00:00:00'}Z`) : new Date(text)
  if (Number.isNaN(instant.getTime())) throw sqlError(`${JSON.stringify(text)} is not a timestamp (write '2024-01-15 10:30:00' or ISO 8601)`)
  return instant
}

/** `test` over operands, null when any nullable operand is null. */
function guardNulls(operands: readonly Translated[], test: Expression): Translated {
  const nullable = operands.filter((operand) => operand.nullable)
  const constant = operands.every((operand) => operand.constant)
  if (nullable.length === 0) return { expression: test, nullable: false, constant }
  return { expression: { $cond: [anyNull(nullable), null, test] }, nullable: true, constant }
}

function anyNull(operands: readonly Translated[]): Expression {
  const tests = operands.map((operand) => ({ $eq: [operand.expression, null] }))
  return tests.length === 1 ? (tests[0] as Expression) : { $or: tests }
}

/** The AND of several conditions, under three-valued logic (see logic). */
export function allOf(conditions: readonly Translated[]): Translated {
  return logic('AND', conditions)
}

/** AND / OR under three-valued logic: a decisive operand decides, otherwise any unknown makes it unknown. */
function logic(operator: 'AND' | 'OR', operands: readonly Translated[]): Translated {
  const constant = operands.every((operand) => operand.constant)
  if (operands.length === 1) return operands[0] as Translated
  if (operands.every((operand) => !operand.nullable)) {
    return folded({ expression: { [operator === 'AND' ? '$and' : '$or']: operands.map((operand) => operand.expression) }, nullable: false, constant })
  }
  const decisive = operator === 'OR'
  const decides = { $or: operands.map((operand) => ({ $eq: [operand.expression, decisive] })) }
  const expression = { $cond: [decides, decisive, { $cond: [anyNull(operands.filter((operand) => operand.nullable)), null, !decisive] }] }
  return folded({ expression, nullable: true, constant })
}

function not(operand: Translated): Translated {
  if (!operand.nullable) return folded({ expression: { $not: operand.expression }, nullable: false, constant: operand.constant })
  return folded({ expression: { $cond: [{ $eq: [operand.expression, null] }, null, { $not: operand.expression }] }, nullable: true, constant: operand.constant })
}

function isTest(operator: string, leftNode: SqlNode, rightNode: SqlNode, scope: ExpressionScope): Translated {
  const value = translate(leftNode, scope)
  let test: Expression
  if (rightNode.type === 'null') test = { $eq: [value.expression, null] }
  else if (rightNode.type === 'bool') test = { $eq: [value.expression, rightNode.value === true || String(rightNode.value).toUpperCase() === 'TRUE'] }
  else throw unsupported(`${operator} ${String(rightNode.type).toUpperCase()}`, 'IS takes NULL, TRUE or FALSE')
  return folded({ expression: operator === 'IS' ? test : { $not: test }, nullable: false, constant: value.constant })
}

function unary(node: SqlNode, scope: ExpressionScope): Translated {
  const operand = translate(node.expr as SqlNode, scope)
  const operator = String(node.operator).toUpperCase()
  if (operator === 'NOT' || operator === '!') return not(operand)
  if (operator === '-') return folded({ expression: { $multiply: [-1, operand.expression] }, nullable: operand.nullable, constant: operand.constant })
  if (operator === '+') return operand
  throw unsupported(`unary operator ${operator}`)
}

function caseWhen(node: SqlNode, scope: ExpressionScope): Translated {
  const subject = node.expr ? translate(node.expr as SqlNode, scope) : undefined
  const branches = (node.args as readonly { type: string; cond?: SqlNode; result: SqlNode }[]) ?? []
  const otherwise = branches.find((branch) => branch.type === 'else')
  let result: Translated = otherwise ? translate(otherwise.result, scope) : literal(null)
  for (const branch of branches.filter((entry) => entry.type === 'when').reverse()) {
    const condition = translate(branch.cond as SqlNode, scope)
    const test = subject === undefined ? condition : compare('=', subject, condition)
    const then = translate(branch.result, scope)
    result = folded({ expression: { $cond: [test.expression, then.expression, result.expression] }, nullable: then.nullable || result.nullable, constant: test.constant && then.constant && result.constant })
  }
  return result
}

function cast(node: SqlNode, scope: ExpressionScope): Translated {
  const operand = translate(node.expr as SqlNode, scope)
  const targets = node.target as readonly { dataType?: string }[] | { dataType?: string } | undefined
  const type = String((Array.isArray(targets) ? targets[0] : targets)?.dataType ?? '').toUpperCase()
  if (NUMERIC_TYPES.has(type)) return folded({ expression: { $toNumber: operand.expression }, nullable: true, constant: operand.constant })
  if (TEXT_TYPES.has(type)) return folded({ expression: { $toString: operand.expression }, nullable: operand.nullable, constant: operand.constant })
  if (type === 'TIMESTAMP' && operand.constant && typeof operand.expression === 'string') return coerced(operand, { ...literal(null), kind: 'timestamp' })[0]
  throw unsupported(`CAST to ${type || 'this type'}`, 'casts go to DOUBLE (or another numeric type, read as a double) or VARCHAR')
}

function call(node: SqlNode, scope: ExpressionScope): Translated {
  const name = functionName(node)
  const upper = name.toUpperCase()
  const args = listValues(node.args)
  if (upper === 'NOW' || upper === 'CURRENT_TIMESTAMP' || upper === 'GET_CURRENT_TIMESTAMP') return literal(new Date(scope.now.getTime()))
  if (upper === 'NOT' && args.length === 1) return not(translate(args[0] as SqlNode, scope))
  if (upper === 'COALESCE' || upper === 'IFNULL') {
    if (args.length === 0) throw sqlError(`${scope.clause}: ${upper} needs at least one operand`)
    const operands = args.map((arg) => translate(arg, scope))
    if (operands.length === 1) return operands[0] as Translated
    return folded({ expression: { $ifNull: operands.map((operand) => operand.expression) }, nullable: operands.every((operand) => operand.nullable), constant: operands.every((operand) => operand.constant) })
  }
  if (AGGREGATE_FUNCTIONS.has(upper)) return aggregateOf(node, scope)
  if (upper === 'DATE_TRUNC') throw unsupported(`${scope.clause}: date_trunc outside GROUP BY`, "group by it (GROUP BY date_trunc('hour', timestamp)) and select the same expression")
  throw unsupported(`function ${name}()`)
}

/** Aggregates written as plain functions (DuckDB and PostgreSQL spellings). */
const AGGREGATE_FUNCTIONS = new Set(['STDDEV', 'STDDEV_SAMP', 'VARIANCE', 'VAR_SAMP', 'QUANTILE_CONT', 'QUANTILE', 'APPROX_QUANTILE', 'MEDIAN', 'STDDEV_POP', 'VAR_POP', 'COUNT', 'SUM', 'AVG', 'MIN', 'MAX'])

/** Whether a node is an aggregate call (COUNT(*), SUM(x), MEDIAN(x), ...). */
export function isAggregateCall(node: SqlNode): boolean {
  return node.type === 'aggr_func' || (node.type === 'function' && AGGREGATE_FUNCTIONS.has(functionName(node).toUpperCase()))
}

function aggregateOf(node: SqlNode, scope: ExpressionScope): Translated {
  const upper = (node.type === 'aggr_func' ? String(node.name) : functionName(node)).toUpperCase()
  if (scope.aggregate === undefined) throw sqlError(`${scope.clause}: aggregate ${upper}() is not allowed here`, { construct: upper })
  if (node.over) throw unsupported(`${upper}() OVER (...) (window functions)`)
  const args = node.args as { expr?: SqlNode; distinct?: string | null; type?: string; value?: unknown } | undefined
  if (args?.distinct) throw unsupported(`${upper}(DISTINCT ...)`)
  const operands: readonly SqlNode[] = node.type === 'aggr_func' ? (args?.expr ? [args.expr] : []) : listValues(args)
  const input = (at: number): unknown => {
    const operand = operands[at]
    if (operand === undefined) throw sqlError(`${scope.clause}: ${upper}() needs an argument`, { construct: upper })
    if (operand.type === 'star') throw sqlError(`${scope.clause}: ${upper}(*) is not an aggregate; COUNT(*) counts rows`, { construct: upper })
    const translated = translate(operand, { ...(scope.inputs ?? scope), clause: `${scope.clause}: ${upper}()`, aggregate: undefined })
    const expression = translated.expression
    // A plain field reads through a field path; anything else is an expression object.
    if (typeof expression === 'string' && expression.startsWith('$') && !expression.startsWith('$$')) return expression.slice(1)
    return typeof expression === 'object' && expression !== null && !(expression instanceof Date) ? expression : { $literal: expression }
  }
  const fraction = (operand: SqlNode | undefined): number => {
    const value = operand === undefined ? undefined : constantValue(translate(operand, scope))
    if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw sqlError(`${scope.clause}: ${upper}() takes a fraction from 0 to 1, got ${String(value)}`, { construct: upper })
    return value
  }
  let spec: Record<string, unknown>
  switch (upper) {
    case 'COUNT':
      spec = { $count: operands[0]?.type === 'star' ? '*' : input(0) }
      break
    case 'SUM':
    case 'AVG':
    case 'MIN':
    case 'MAX':
      spec = { [`$${upper.toLowerCase()}`]: input(0) }
      break
    case 'STDDEV':
    case 'STDDEV_SAMP':
      spec = { $stddev: input(0) }
      break
    case 'VARIANCE':
    case 'VAR_SAMP':
      spec = { $variance: input(0) }
      break
    case 'MEDIAN':
      spec = { $percentile: [input(0), 0.5] }
      break
    case 'QUANTILE_CONT':
    case 'QUANTILE':
    case 'APPROX_QUANTILE':
      spec = { $percentile: [input(0), fraction(operands[1])] }
      break
    case 'PERCENTILE_CONT': {
      const order = node.within_group_orderby as readonly { expr: SqlNode }[] | undefined
      if (order?.length !== 1) throw sqlError(`${scope.clause}: PERCENTILE_CONT(q) needs WITHIN GROUP (ORDER BY value)`, { construct: upper })
      const value = translate(order[0]!.expr, { ...(scope.inputs ?? scope), clause: `${scope.clause}: ${upper}()`, aggregate: undefined })
      const expression = typeof value.expression === 'string' && value.expression.startsWith('$') ? value.expression.slice(1) : value.expression
      spec = { $percentile: [expression, fraction(operands[0])] }
      break
    }
    default:
      throw unsupported(`aggregate ${upper}()`, upper.endsWith('_POP') ? 'the sample forms STDDEV and VARIANCE are computed' : 'COUNT, SUM, AVG, MIN, MAX, STDDEV, VARIANCE, MEDIAN, QUANTILE_CONT and PERCENTILE_CONT are')
  }
  return scope.aggregate({ name: upper.toLowerCase(), spec, key: JSON.stringify(spec, (_, value: unknown) => (typeof value === 'bigint' ? `${value}n` : value instanceof Date ? { $date: value.toISOString() } : value)) })
}
