import { isValidPath } from '../../query/get-path.ts'
import { isPlainObject } from '../../query/is-plain-object.ts'
import { describeValue } from '../../schema/describe-value.ts'
import { SYSTEM_FIELDS } from '../../schema/types.ts'
import { compileExpression, EXPRESSION_OPERATORS } from '../expressions/compile-expression.ts'
import { expressionError } from '../expressions/expression-error.ts'
import { expressionFields } from '../expressions/expression-fields.ts'
import { compileFieldReader } from '../expressions/field-reference.ts'
import { countAggregate } from './count.ts'
import { extremeAggregate } from './extreme.ts'
import { momentsAggregate } from './moments.ts'
import { percentileAggregate } from './percentile.ts'
import { avgAggregate, sumAggregate } from './sum.ts'
import type { Aggregate, AggregateInput, AggregateOp, AggregateOptions } from './types.ts'

const AGGREGATE_OPS: ReadonlySet<string> = new Set<AggregateOp>(['$count', '$sum', '$min', '$max', '$avg', '$first', '$last', '$stddev', '$variance', '$percentile'])

/** The largest scale a decimal column can have (Parquet decimals hold up to 38 digits). */
const MAX_DECIMAL_SCALE = 38

/**
 * Compiles one `$compute` entry. The argument is a field path without '$' (`'tokens'`,
 * `'items.price'`), an expression object (`{ $cond: [...] }`, see compileExpression), or `'*'`
 * for `$count` only; `$percentile` takes `[input, q]` with 0 ≤ q ≤ 1. Throws
 * ParqueDBError('SCHEMA') naming the label and the operator for anything else.
 *
 * @example
 * const p95 = compileAggregate({ $percentile: ['latencyMs', 0.95] }, { label: 'view "DailyAIUsage": $compute.p95Latency' })
 * p95.fields // ['latencyMs']
 */
export function compileAggregate(spec: unknown, options: AggregateOptions): Aggregate {
  const { label } = options
  const fail = (message: string, operator?: string) => expressionError({ label, at: '' }, message, operator)
  if (!isPlainObject(spec)) throw fail(`expected an aggregate such as { $sum: 'field' }, got ${describeValue(spec)}`)
  const keys = Object.keys(spec)
  if (keys.length === 0) throw fail(`an empty object is not an aggregate: write one operator such as { $count: '*' }`)
  if (keys.length > 1) throw fail(`an aggregate holds exactly one operator, got ${keys.join(' and ')}`, keys[0])
  const op = keys[0] as string
  if (!AGGREGATE_OPS.has(op)) {
    if (EXPRESSION_OPERATORS.includes(op)) throw fail(`${op} is a per-row expression, not an aggregate: wrap it, as in { $sum: { ${op}: ... } }`, op)
    throw fail(op.startsWith('$') ? `unknown operator ${op}` : `expected an aggregate operator such as $sum, got key ${JSON.stringify(op)}`, op)
  }
  const argument = spec[op]
  const scale = options.decimalScale
  if (scale !== undefined && !(Number.isInteger(scale) && scale >= 0 && scale <= MAX_DECIMAL_SCALE)) {
    throw fail(`decimalScale must be an integer from 0 to ${MAX_DECIMAL_SCALE}, got ${describeValue(scale)}`, op)
  }
  switch (op as AggregateOp) {
    case '$count': {
      if (argument === '*') return erase(countAggregate({ label, fields: [], value: () => true }, true))
      return erase(countAggregate(compileInput(argument, op, label), false))
    }
    case '$sum':
      return erase(sumAggregate(compileInput(argument, op, label), scale))
    case '$avg':
      return erase(avgAggregate(compileInput(argument, op, label), scale))
    case '$min':
    case '$max':
    case '$first':
    case '$last':
      return erase(extremeAggregate(op as '$min' | '$max' | '$first' | '$last', compileInput(argument, op, label)))
    case '$stddev':
    case '$variance':
      return erase(momentsAggregate(op as '$stddev' | '$variance', compileInput(argument, op, label)))
    case '$percentile': {
      if (!Array.isArray(argument) || argument.length !== 2) {
        throw fail(`$percentile expects [input, q] such as ['latencyMs', 0.95], got ${describeValue(argument)}`, op)
      }
      const [input, q] = argument as [unknown, unknown]
      if (typeof q !== 'number' || !(q >= 0 && q <= 1)) {
        const hint = typeof q === 'number' && Number.isInteger(q) && q > 1 && q <= 100 ? ` (for the ${q}th percentile write ${q / 100})` : ''
        throw fail(`$percentile: q must be a number from 0 to 1, got ${describeValue(q)}${hint}`, op)
      }
      return erase(percentileAggregate(compileInput(input, op, label), q))
    }
  }
}

/** What a field path or an expression reads, compiled. */
function compileInput(argument: unknown, op: string, label: string): AggregateInput {
  const fail = (message: string) => expressionError({ label, at: '' }, message, op)
  if (typeof argument === 'string') {
    if (argument === '*') throw fail(`'*' only counts rows: write { $count: '*' }; ${op} needs a field or an expression`)
    const first = argument.split('.')[0] as string
    if (argument.startsWith('$') && !(SYSTEM_FIELDS as readonly string[]).includes(first)) {
      throw fail(`${op} takes a field path without '$' (${JSON.stringify(argument.slice(1))}, not ${JSON.stringify(argument)}); expressions go in an object`)
    }
    if (!isValidPath(argument)) throw fail(`${op}: invalid field path ${JSON.stringify(argument)}`)
    return { label, fields: [first], value: compileFieldReader(argument) }
  }
  if (isPlainObject(argument)) {
    return { label, fields: expressionFields(argument), value: compileExpression(argument, { label, at: op }) }
  }
  const hint = op === '$sum' && typeof argument === 'number' ? `; to count rows write { $count: '*' }` : ''
  throw fail(`${op} expects a field path such as 'tokens' or an expression object, got ${describeValue(argument)}${hint}`)
}

/** Hides an aggregate's state type behind the opaque AggregateState. */
function erase<S>(aggregate: Aggregate<S>): Aggregate {
  return aggregate as unknown as Aggregate
}
