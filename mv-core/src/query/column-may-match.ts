import type { ColumnStats, ScalarField, ScalarKind } from '../schema/types.ts'
import { compareDecimal, parseDecimal, type Decimal } from './compare-decimal.ts'
import type { Literal } from './filter-literal.ts'
import type { RangeOperator } from './value-predicates.ts'

/**
 * Pruning tests for one operator on one top-level column: false only when no row of a file or row
 * group with these statistics can satisfy it. They are called only when the column holds at least
 * one non-null value; the all-null case is decided exactly by the caller (it runs the filter on a
 * null value).
 *
 * Statistics are bounds in "stat form": numbers (timestamps as epoch ms), strings, booleans and
 * decimal strings for bigints. A literal of another type than the bounds cannot be placed
 * between them, so the test answers true; when that mismatch means no row can match at all
 * (a string literal against numbers), true is merely less useful, never wrong.
 */
export type StatsTest = (stats: ColumnStats) => boolean

/** A literal in stat form: what a column's min/max can be compared with. */
type StatValue = string | number | bigint | boolean | Decimal

const ALWAYS: StatsTest = () => true
const NEVER: StatsTest = () => false
const INTEGER_TEXT = /^-?\d+$/
/**
 * Code units from the surrogates up. UTF-16 code-unit order (JS `<`) and UTF-8/code-point order
 * (Parquet footers) disagree only between such characters, so a literal without them compares
 * the same way with bounds computed in either order.
 */
const ORDER_SENSITIVE = /[\uD800-\uFFFF]/

/** Whether bounds can be trusted for ordering: lists and variants have none, and a stray bound would not order their elements. */
function ordered(field: ScalarField | undefined): boolean {
  return field === undefined || (!field.array && field.kind !== 'variant')
}

/**
 * Whether a column's values are single scalars (never arrays that could hold a null element).
 * Without a schema, only ordered kinds carry bounds, so bounds imply scalars.
 */
function scalar(field: ScalarField | undefined, stats: ColumnStats): boolean {
  return field !== undefined ? !field.array && field.kind !== 'variant' : stats.min !== undefined || stats.max !== undefined
}

function statForm(literal: Literal): StatValue | undefined {
  switch (literal.type) {
    case 'number':
      return Number.isNaN(literal.value) ? undefined : literal.value
    case 'string':
      return ORDER_SENSITIVE.test(literal.value) ? undefined : literal.value
    case 'bigint':
    case 'boolean':
    case 'instant':
    case 'decimal':
      return literal.value
    default:
      return undefined
  }
}

/**
 * -1/0/1 of a bound against a literal in stat form, undefined when they are not comparable.
 * Decimal bounds are doubles (widened by the writer for precision above 15), compared exactly.
 */
export function compareStat(bound: string | number | boolean, value: StatValue): number | undefined {
  if (typeof value === 'object') {
    if (typeof bound !== 'number') return undefined
    const decimal = parseDecimal(bound)
    return decimal === undefined ? undefined : compareDecimal(decimal, value)
  }
  switch (typeof bound) {
    case 'number':
      if (typeof value === 'number' || typeof value === 'bigint') return order(bound, value)
      return undefined
    case 'string':
      if (typeof value === 'string') return bound < value ? -1 : bound > value ? 1 : 0
      // bigint columns keep their bounds as decimal strings
      if ((typeof value === 'number' || typeof value === 'bigint') && INTEGER_TEXT.test(bound)) return order(BigInt(bound), value)
      return undefined
    case 'boolean':
      if (typeof value === 'boolean') return bound === value ? 0 : bound ? 1 : -1
      return undefined
  }
}

function order(a: number | bigint, b: number | bigint): number | undefined {
  return a < b ? -1 : a > b ? 1 : a == b ? 0 : undefined
}

function withinBounds(stats: ColumnStats, value: StatValue): boolean {
  if (stats.min !== undefined && (compareStat(stats.min, value) ?? 0) > 0) return false
  if (stats.max !== undefined && (compareStat(stats.max, value) ?? 0) < 0) return false
  return true
}

/**
 * `$eq`: outside [min, max] cannot match; `null` cannot match a scalar column without nulls.
 *
 * @example
 * eqMayMatch({ type: 'number', value: 9 }, undefined)({ min: 1, max: 5, nullCount: 0 }) // false
 */
export function eqMayMatch(literal: Literal, field: ScalarField | undefined): StatsTest {
  if (literal.type === 'null') return (stats) => !(stats.nullCount === 0 && scalar(field, stats))
  const value = ordered(field) ? statForm(literal) : undefined
  return value === undefined ? ALWAYS : (stats) => withinBounds(stats, value)
}

/** `$in`: some literal's `$eq` may match. An empty list matches nothing. */
export function inMayMatch(literals: readonly Literal[], field: ScalarField | undefined): StatsTest {
  const tests = literals.map((literal) => eqMayMatch(literal, field))
  if (tests.length === 0) return NEVER
  return (stats) => tests.some((test) => test(stats))
}

/** `$gt`/`$gte`/`$lt`/`$lte` against max or min. */
export function rangeMayMatch(operator: RangeOperator, literal: Literal, field: ScalarField | undefined): StatsTest {
  if (literal.type === 'null') return operator === '$gte' || operator === '$lte' ? eqMayMatch(literal, field) : NEVER
  const value = ordered(field) ? statForm(literal) : undefined
  if (value === undefined) return ALWAYS
  switch (operator) {
    case '$gt':
      return (stats) => stats.max === undefined || (compareStat(stats.max, value) ?? 1) > 0
    case '$gte':
      return (stats) => stats.max === undefined || (compareStat(stats.max, value) ?? 1) >= 0
    case '$lt':
      return (stats) => stats.min === undefined || (compareStat(stats.min, value) ?? -1) < 0
    case '$lte':
      return (stats) => stats.min === undefined || (compareStat(stats.min, value) ?? -1) <= 0
  }
}

/** `$exists: false` needs a null; `$exists: true` is decided by the all-null check alone. */
export function existsMayMatch(expected: boolean): StatsTest {
  return expected ? ALWAYS : (stats) => stats.nullCount > 0
}

/**
 * `$ne`: only a column holding one value everywhere (min === max, no nulls) equal to the
 * literal is ruled out. Needs the schema: without it a string bound of '5' could belong to a
 * bigint column, where `$ne: '5'` matches every row.
 */
export function neMayMatch(literal: Literal, field: ScalarField | undefined): StatsTest {
  if (literal.type === 'null' || field === undefined || !ordered(field)) return ALWAYS
  const kind = field.kind
  return (stats) => !(stats.nullCount === 0 && constantEquals(stats, literal, kind))
}

/** `$nin`: like `$ne` for each literal; a listed null also rules out the null rows. */
export function ninMayMatch(literals: readonly Literal[], field: ScalarField | undefined): StatsTest {
  if (field === undefined || !ordered(field)) return ALWAYS
  const kind = field.kind
  const listsNull = literals.some((literal) => literal.type === 'null')
  const values = literals.filter((literal) => literal.type !== 'null')
  return (stats) => !((stats.nullCount === 0 || listsNull) && values.some((literal) => constantEquals(stats, literal, kind)))
}

function constantEquals(stats: ColumnStats, literal: Literal, kind: ScalarKind): boolean {
  return stats.min !== undefined && stats.max !== undefined && sameValue(stats.min, literal, kind) && sameValue(stats.max, literal, kind)
}

/** Whether a bound is a value that `$eq` with the literal would match, given the column kind. */
function sameValue(bound: string | number | boolean, literal: Literal, kind: ScalarKind): boolean {
  switch (kind) {
    case 'timestamp':
      return literal.type === 'instant' && bound === literal.value
    case 'bigint':
      return typeof bound === 'string' && INTEGER_TEXT.test(bound) && (literal.type === 'bigint' || literal.type === 'number') && (BigInt(bound) as unknown) == literal.value
    case 'int':
    case 'float':
    case 'double':
      return typeof bound === 'number' && (literal.type === 'number' || literal.type === 'bigint') && (bound as unknown) == literal.value
    case 'string':
    case 'date':
      return typeof bound === 'string' && literal.type === 'string' && bound === literal.value
    case 'boolean':
      return typeof bound === 'boolean' && literal.type === 'boolean' && bound === literal.value
    default:
      return false // decimals: bounds may be widened; variants: unordered
  }
}
