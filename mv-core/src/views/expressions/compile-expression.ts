import { isValidPath } from '../../query/get-path.ts'
import { isPlainObject } from '../../query/is-plain-object.ts'
import { describeValue } from '../../schema/describe-value.ts'
import { addValues, divideValues, multiplyValues, subtractValues } from './arithmetic.ts'
import { orderOf, sameValue } from './compare.ts'
import { toNumberValue, toStringValue } from './conversions.ts'
import { childSite, expressionError, type ExpressionSite } from './expression-error.ts'
import { compileFieldReader, fieldReferencePath } from './field-reference.ts'
import type { CompiledExpression, ExpressionOptions } from './types.ts'

/**
 * Compiles a per-row expression once into closures. The grammar:
 *
 * - `'$path'`: the value at a dotted path (`'$event.request.url'`, `'$exceptions.0.name'`);
 *   missing reads as null. `'$$id'` reads the system field `$id`;
 * - other strings, numbers, booleans, bigints, null and Dates: literals; `{ $literal: v }` for
 *   any value taken verbatim (a string starting with '$', an object);
 * - `{ $cond: [if, then, else] }` or `{ $cond: { if, then, else } }`;
 * - `{ $exists: '$path' }`, `{ $exists: ['$path', false] }`: whether the value is (not) null;
 * - `{ $eq | $ne | $gt | $gte | $lt | $lte: [a, b] }` (see sameValue and orderOf);
 * - `{ $and: [...] }`, `{ $or: [...] }`, `{ $not: x }`: booleans by truthiness;
 * - `{ $add | $multiply: [a, b, ...] }`, `{ $subtract | $divide: [a, b] }` (see arithmetic.ts);
 * - `{ $ifNull: [a, b, ...] }`: the first operand that is not null;
 * - `{ $toString: x }`, `{ $toNumber: x }` (see conversions.ts).
 *
 * Truthiness (`$cond`'s if, `$and`, `$or`, `$not`) is JavaScript's: null, false, 0, NaN, '' and
 * 0n are false, everything else (including empty arrays and objects) is true.
 *
 * Throws ParqueDBError('SCHEMA') for a malformed expression, its message starting with the label.
 *
 * @example
 * const isError = compileExpression({ $cond: [{ $ne: ['$outcome', 'ok'] }, 1, 0] }, { label: 'view "V": $compute.errorRate' })
 * isError({ outcome: 'exception' }) // 1
 */
export function compileExpression(expression: unknown, options: ExpressionOptions): CompiledExpression {
  return compileAt(expression, { label: options.label, at: options.at ?? '' })
}

type OperatorCompiler = (args: unknown, site: ExpressionSite, operator: string) => CompiledExpression

const constant =
  (value: unknown): CompiledExpression =>
  () =>
    value

function compileAt(expression: unknown, site: ExpressionSite): CompiledExpression {
  switch (typeof expression) {
    case 'string':
      return compileString(expression, site)
    case 'number':
    case 'boolean':
    case 'bigint':
      return constant(expression)
    case 'object': {
      if (expression === null) return constant(null)
      if (expression instanceof Date) {
        if (Number.isNaN(expression.getTime())) throw expressionError(site, 'an Invalid Date is not an expression')
        return constant(expression)
      }
      if (Array.isArray(expression)) {
        throw expressionError(site, `an array is not an expression (arrays only hold an operator's operands; use { $literal: [...] } for an array value)`)
      }
      if (isPlainObject(expression)) return compileOperator(expression, site)
      break
    }
  }
  throw expressionError(site, `${describeValue(expression)} is not an expression`)
}

function compileString(text: string, site: ExpressionSite): CompiledExpression {
  const path = fieldReferencePath(text)
  if (path === undefined) return constant(text)
  if (!isValidPath(path)) {
    throw expressionError(site, `invalid field reference ${JSON.stringify(text)}: expected '$' and a dotted path such as '$event.request.url'`)
  }
  return compileFieldReader(path)
}

function compileOperator(object: Record<string, unknown>, site: ExpressionSite): CompiledExpression {
  const keys = Object.keys(object)
  const operators = keys.filter((key) => key.startsWith('$'))
  if (keys.length === 0) throw expressionError(site, 'an empty object is not an expression: write one operator such as { $cond: [if, then, else] }')
  if (operators.length === 0) {
    throw expressionError(site, `an object without an operator is not an expression (keys: ${keys.join(', ')}); use { $literal: {...} } for an object value`)
  }
  if (operators.length > 1) throw expressionError(site, `an expression object holds exactly one operator, got ${operators.join(' and ')}`, operators[0])
  const operator = operators[0] as string
  if (keys.length > 1) {
    const others = keys.filter((key) => key !== operator)
    throw expressionError(site, `${operator} cannot share its object with other keys (${others.join(', ')})`, operator)
  }
  const compiler = OPERATORS.get(operator)
  if (compiler === undefined) throw expressionError(site, `unknown operator ${operator}`, operator)
  return compiler(object[operator], site, operator)
}

/** The operand list of an n-ary operator, checked for shape and count. */
function operandList(args: unknown, site: ExpressionSite, operator: string, min: number, max = Number.POSITIVE_INFINITY): readonly unknown[] {
  const wanted = min === max ? `exactly ${min}` : `at least ${min}`
  if (!Array.isArray(args)) throw expressionError(site, `${operator} expects an array of ${wanted} operands, got ${describeValue(args)}`, operator)
  if (args.length < min || args.length > max) throw expressionError(site, `${operator} needs ${wanted} operands, got ${args.length}`, operator)
  return args as readonly unknown[]
}

function compileOperands(args: unknown, site: ExpressionSite, operator: string, min: number, max?: number): CompiledExpression[] {
  return operandList(args, site, operator, min, max).map((operand, index) => compileAt(operand, childSite(site, operator, index)))
}

/** A unary operator's operand, written bare (`{ $not: x }`) or in a one-element array. */
function compileSingle(args: unknown, site: ExpressionSite, operator: string): CompiledExpression {
  if (!Array.isArray(args)) return compileAt(args, childSite(site, operator))
  if (args.length !== 1) throw expressionError(site, `${operator} takes one operand, got ${args.length}`, operator)
  return compileAt(args[0], childSite(site, operator, 0))
}

const COND_KEYS = ['if', 'then', 'else'] as const

function compileCond(args: unknown, site: ExpressionSite, operator: string): CompiledExpression {
  let branches: CompiledExpression[]
  if (Array.isArray(args)) {
    branches = compileOperands(args, site, operator, 3, 3)
  } else if (isPlainObject(args)) {
    const unknownKey = Object.keys(args).find((key) => !(COND_KEYS as readonly string[]).includes(key))
    if (unknownKey !== undefined) throw expressionError(site, `$cond: unknown key ${JSON.stringify(unknownKey)} (expected if, then, else)`, operator)
    const missing = COND_KEYS.filter((key) => !Object.hasOwn(args, key))
    if (missing.length > 0) throw expressionError(site, `$cond needs if, then and else; missing ${missing.join(', ')}`, operator)
    branches = COND_KEYS.map((key) => compileAt(args[key], childSite(site, operator, key)))
  } else {
    throw expressionError(site, `$cond expects [if, then, else] or { if, then, else }, got ${describeValue(args)}`, operator)
  }
  const [test, then, otherwise] = branches as [CompiledExpression, CompiledExpression, CompiledExpression]
  return (row) => (test(row) ? then(row) : otherwise(row))
}

function compileExists(args: unknown, site: ExpressionSite, operator: string): CompiledExpression {
  let target = args
  let wanted = true
  let targetSite = childSite(site, operator)
  if (Array.isArray(args)) {
    if (args.length !== 2 || typeof args[1] !== 'boolean') {
      throw expressionError(site, `$exists expects '$path' or ['$path', true | false], got ${describeValue(args)}`, operator)
    }
    target = args[0]
    wanted = args[1] as boolean
    targetSite = childSite(site, operator, 0)
  }
  // A literal would make the test constant: almost surely a missing '$' ('error' for '$error').
  const readsRow = (typeof target === 'string' && target.startsWith('$')) || isPlainObject(target)
  if (!readsRow) throw expressionError(site, `$exists needs a field reference such as '$error' or an expression, got ${describeValue(target)}`, operator)
  const read = compileAt(target, targetSite)
  return wanted
    ? (row) => {
        const value = read(row)
        return value !== null && value !== undefined
      }
    : (row) => {
        const value = read(row)
        return value === null || value === undefined
      }
}

function compileComparison(args: unknown, site: ExpressionSite, operator: string): CompiledExpression {
  const [a, b] = compileOperands(args, site, operator, 2, 2) as [CompiledExpression, CompiledExpression]
  switch (operator) {
    case '$eq':
      return (row) => sameValue(a(row), b(row))
    case '$ne':
      return (row) => !sameValue(a(row), b(row))
    case '$gt':
      return (row) => orderOf(a(row), b(row)) > 0
    case '$gte':
      return (row) => orderOf(a(row), b(row)) >= 0
    case '$lt':
      return (row) => orderOf(a(row), b(row)) < 0
    default:
      return (row) => orderOf(a(row), b(row)) <= 0
  }
}

function compileAnd(args: unknown, site: ExpressionSite, operator: string): CompiledExpression {
  const parts = compileOperands(args, site, operator, 1)
  return (row) => {
    for (const part of parts) if (!part(row)) return false
    return true
  }
}

function compileOr(args: unknown, site: ExpressionSite, operator: string): CompiledExpression {
  const parts = compileOperands(args, site, operator, 1)
  return (row) => {
    for (const part of parts) if (part(row)) return true
    return false
  }
}

function compileNot(args: unknown, site: ExpressionSite, operator: string): CompiledExpression {
  const part = compileSingle(args, site, operator)
  return (row) => !part(row)
}

/** A left fold of a binary arithmetic operation; a null on the way short-circuits to null. */
function arithmetic(apply: (a: unknown, b: unknown) => unknown, min: number, max?: number): OperatorCompiler {
  return (args, site, operator) => {
    const parts = compileOperands(args, site, operator, min, max)
    if (parts.length === 2) {
      const [a, b] = parts as [CompiledExpression, CompiledExpression]
      return (row) => apply(a(row), b(row))
    }
    const [first, ...rest] = parts as [CompiledExpression, ...CompiledExpression[]]
    return (row) => {
      let total = first(row)
      for (const part of rest) {
        if (total === null) return null
        total = apply(total, part(row))
      }
      return total
    }
  }
}

function compileIfNull(args: unknown, site: ExpressionSite, operator: string): CompiledExpression {
  const parts = compileOperands(args, site, operator, 2)
  const fallback = parts.pop() as CompiledExpression
  return (row) => {
    for (const part of parts) {
      const value = part(row)
      if (value !== null && value !== undefined) return value
    }
    return fallback(row)
  }
}

function compileLiteral(args: unknown, site: ExpressionSite, operator: string): CompiledExpression {
  if (args === undefined) throw expressionError(site, '$literal needs a value (use null for null)', operator)
  return constant(args)
}

function converter(convert: (value: unknown) => unknown): OperatorCompiler {
  return (args, site, operator) => {
    const part = compileSingle(args, site, operator)
    return (row) => convert(part(row))
  }
}

const OPERATORS: ReadonlyMap<string, OperatorCompiler> = new Map<string, OperatorCompiler>([
  ['$cond', compileCond],
  ['$exists', compileExists],
  ['$eq', compileComparison],
  ['$ne', compileComparison],
  ['$gt', compileComparison],
  ['$gte', compileComparison],
  ['$lt', compileComparison],
  ['$lte', compileComparison],
  ['$and', compileAnd],
  ['$or', compileOr],
  ['$not', compileNot],
  ['$add', arithmetic(addValues, 2)],
  ['$subtract', arithmetic(subtractValues, 2, 2)],
  ['$multiply', arithmetic(multiplyValues, 2)],
  ['$divide', arithmetic(divideValues, 2, 2)],
  ['$ifNull', compileIfNull],
  ['$toString', converter(toStringValue)],
  ['$toNumber', converter(toNumberValue)],
  ['$literal', compileLiteral],
])

/** The operators compileExpression knows, for error messages and documentation. */
export const EXPRESSION_OPERATORS: readonly string[] = [...OPERATORS.keys()]
