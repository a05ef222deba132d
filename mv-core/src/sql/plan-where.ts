import type { Filter } from '../query/types.ts'
import { functionName, listValues, type SqlNode } from './sql-ast.ts'
import { allOf, constantValue, sqlInstant, translate, type ExpressionScope, type Translated } from './sql-expression.ts'

/** A WHERE clause split for the engine: a find filter, plus what a filter cannot say. */
export interface WherePlan {
  /** The conditions a find filter expresses: they prune files and row groups by their statistics. */
  readonly filter: Filter
  /** The other conditions, as one expression kept only where it is true. */
  readonly residual?: Translated
}

const FLIPPED: Readonly<Record<string, string>> = { '=': '=', '!=': '!=', '<>': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' }
const RANGE: Readonly<Record<string, string>> = { '<': '$lt', '<=': '$lte', '>': '$gt', '>=': '$gte' }
/** The range operator true exactly where another is false, for a non-null value. */
const OPPOSITE: Readonly<Record<string, string>> = { '<': '>=', '<=': '>', '>': '<=', '>=': '<' }

/**
 * Splits WHERE into its top-level AND terms and turns each term it can into a find filter:
 * a column compared with a constant (literals, parameters, NOW() - INTERVAL ...), IS [NOT]
 * NULL, [NOT] IN, [NOT] BETWEEN, [NOT] LIKE / ILIKE, and AND / OR / NOT of those. The terms
 * left over (columns compared with each other, CASE, arithmetic on columns) are evaluated per
 * row. Both keep SQL's semantics: a row is kept only where the condition is true, so under
 * NOT a NULL never matches (x != 'ok' does not keep rows where x is NULL).
 *
 * @example
 * planWhere(parsed("WHERE timestamp > NOW() - INTERVAL '1 hour' AND wallTime > cpuTime"), scope)
 * // { filter: { $and: [{ timestamp: { $gt: <an hour ago> } }] }, residual: <wallTime > cpuTime> }
 */
export function planWhere(where: SqlNode | null, scope: ExpressionScope): WherePlan {
  if (where === null) return { filter: {} }
  const filters: Filter[] = []
  const rest: Translated[] = []
  for (const term of conjuncts(where)) {
    const filter = toFilter(term, true, scope)
    if (filter !== undefined) filters.push(filter)
    else rest.push(translate(term, scope))
  }
  const filter = filters.length === 0 ? {} : filters.length === 1 ? (filters[0] as Filter) : { $and: filters }
  return rest.length === 0 ? { filter } : { filter, residual: allOf(rest) }
}

function conjuncts(node: SqlNode): SqlNode[] {
  if (node.type === 'binary_expr' && String(node.operator).toUpperCase() === 'AND') return [...conjuncts(node.left as SqlNode), ...conjuncts(node.right as SqlNode)]
  return [node]
}

/** A filter keeping the rows where `node` is `truth` (true, or false: never where it is NULL); undefined if no filter says it. */
function toFilter(node: SqlNode, truth: boolean, scope: ExpressionScope): Filter | undefined {
  if (node.type === 'function' && functionName(node).toUpperCase() === 'NOT') {
    const [inner] = listValues(node.args)
    return inner === undefined ? undefined : toFilter(inner, !truth, scope)
  }
  if (node.type === 'unary_expr' && String(node.operator).toUpperCase() === 'NOT') return toFilter(node.expr as SqlNode, !truth, scope)
  if (node.type === 'column_ref') {
    const column = columnOf(node, scope)
    return column?.kind === 'boolean' ? { [column.name]: truth } : undefined
  }
  if (node.type !== 'binary_expr') return undefined
  const operator = String(node.operator).toUpperCase()
  const left = node.left as SqlNode
  const right = node.right as SqlNode
  if (operator === 'AND' || operator === 'OR') {
    const sides = [toFilter(left, truth, scope), toFilter(right, truth, scope)]
    if (sides.some((side) => side === undefined)) return undefined
    // NOT (a AND b) is (NOT a) OR (NOT b): falsity swaps the connective.
    return { [(operator === 'AND') === truth ? '$and' : '$or']: sides }
  }
  if (operator in FLIPPED) {
    let column = columnOf(left, scope)
    let value = constantOf(right, scope)
    let op = operator === '<>' ? '!=' : operator
    if (column === undefined || value === undefined) {
      column = columnOf(right, scope)
      value = constantOf(left, scope)
      op = FLIPPED[operator] as string
    }
    if (column === undefined || value === undefined || value === null) return undefined
    value = instantFor(column, value)
    if (op === '=' || op === '!=') return (op === '=') === truth ? { [column.name]: { $eq: value } } : { [column.name]: { $nin: [value, null] } }
    return { [column.name]: { [RANGE[truth ? op : (OPPOSITE[op] as string)] as string]: value } }
  }
  const column = columnOf(left, scope)
  if (column === undefined) return undefined
  if (operator === 'IS' || operator === 'IS NOT') {
    if (right.type !== 'null') return undefined
    return (operator === 'IS') === truth ? { [column.name]: { $eq: null } } : { [column.name]: { $ne: null } }
  }
  if (operator === 'IN' || operator === 'NOT IN') {
    const values = listValues(right).map((entry) => instantFor(column, constantOf(entry, scope)))
    if (right.type !== 'expr_list' || values.some((value) => value === undefined || value === null)) return undefined
    return (operator === 'IN') === truth ? { [column.name]: { $in: values } } : { [column.name]: { $nin: [...values, null] } }
  }
  if (operator === 'BETWEEN' || operator === 'NOT BETWEEN') {
    const [low, high] = listValues(right).map((entry) => instantFor(column, constantOf(entry, scope)))
    if (low === undefined || high === undefined || low === null || high === null) return undefined
    if ((operator === 'BETWEEN') === truth) return { [column.name]: { $gte: low, $lte: high } }
    return { $or: [{ [column.name]: { $lt: low } }, { [column.name]: { $gt: high } }] }
  }
  if (operator === 'LIKE' || operator === 'NOT LIKE' || operator === 'ILIKE' || operator === 'NOT ILIKE') {
    const pattern = constantOf(right, scope)
    if (typeof pattern !== 'string') return undefined
    const regex = { $regex: likePattern(pattern), ...(operator.endsWith('ILIKE') ? { $options: 'i' } : {}) }
    if (operator.startsWith('NOT') !== truth) return { [column.name]: regex }
    return { $and: [{ [column.name]: { $not: regex } }, { [column.name]: { $ne: null } }] }
  }
  return undefined
}

/** A plain top-level column of the row being filtered. */
function columnOf(node: SqlNode, scope: ExpressionScope): { name: string; kind: string | undefined } | undefined {
  if (node.type !== 'column_ref') return undefined
  const translated = scope.column(node as Parameters<ExpressionScope['column']>[0])
  const expression = translated.expression
  if (typeof expression !== 'string' || !expression.startsWith('$')) return undefined
  const path = expression.slice(1) // '$$id' reads '$id'
  if (path.includes('.')) return undefined
  return { name: path, kind: translated.kind }
}

/** A string compared with a timestamp column, read as SQL reads it (sqlInstant). */
function instantFor(column: { kind: string | undefined }, value: unknown): unknown {
  return column.kind === 'timestamp' && typeof value === 'string' ? sqlInstant(value) : value
}

/** The value of a constant operand, or undefined when the operand reads the row. */
function constantOf(node: SqlNode, scope: ExpressionScope): unknown {
  if (node.type === 'column_ref' || node.type === 'expr_list') return undefined
  const translated = translate(node, scope)
  return translated.constant ? constantValue(translated) : undefined
}

/** LIKE's pattern as an anchored regular expression: % any run of characters, _ one character. */
export function likePattern(pattern: string): string {
  let source = '^'
  for (const char of pattern) {
    if (char === '%') source += '[\\s\\S]*'
    else if (char === '_') source += '[\\s\\S]'
    else source += char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
  }
  return `${source}$`
}
