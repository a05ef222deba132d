import { calendarDate, timestampMillis } from '../schema/calendar.ts'
import type { ScalarField } from '../schema/types.ts'
import { describeType } from './bad-filter.ts'
import { parseDecimal, type Decimal } from './compare-decimal.ts'
import { isPlainObject } from './is-plain-object.ts'

/**
 * How a field's values compare, from its schema kind. Literals are coerced to it once, when the
 * filter is compiled: JSON clients cannot send Dates or bigints, so 'instant' accepts ISO strings
 * and epoch ms, 'bigint' integer strings, 'decimal' decimal strings. 'plain' is everything else,
 * including variant data and filters compiled without a schema.
 */
export type CompareMode = 'plain' | 'instant' | 'bigint' | 'decimal' | 'date'

/** A filter value after coercion, tagged with how row values are compared to it. */
export type Literal =
  | { readonly type: 'null' }
  | { readonly type: 'number'; readonly value: number }
  | { readonly type: 'bigint'; readonly value: bigint }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'boolean'; readonly value: boolean }
  /** Epoch ms; matches Date values. */
  | { readonly type: 'instant'; readonly value: number }
  /** `number` is the double holding exactly this decimal, when there is one (fast path). */
  | { readonly type: 'decimal'; readonly value: Decimal; readonly number: number | undefined }
  | { readonly type: 'regex'; readonly value: RegExp }
  /** Objects and arrays, compared deeply. */
  | { readonly type: 'json'; readonly value: object }

/** Raises the BAD_FILTER error for the operand being coerced. */
export type Fail = (message: string) => never

/**
 * The compare mode of a column; undefined (no schema, or a path inside a variant) is 'plain'.
 *
 * @example
 * modeOfField({ name: 'createdAt', kind: 'timestamp', ... }) // 'instant'
 */
export function modeOfField(field: ScalarField | undefined): CompareMode {
  switch (field?.kind) {
    case 'timestamp':
      return 'instant'
    case 'bigint':
      return 'bigint'
    case 'decimal':
      return 'decimal'
    case 'date':
      return 'date'
    default:
      return 'plain'
  }
}

const INTEGER_TEXT = /^[+-]?\d+$/

/**
 * Coerces one filter operand for a mode. Values the mode cannot read (an ISO string that is not a
 * timestamp, a non-integer string for a bigint column) fail; values of another type are kept
 * as they are and simply match nothing, like MongoDB's type brackets.
 *
 * @example
 * toLiteral('2024-05-01T00:00:00Z', 'instant', fail) // { type: 'instant', value: 1714521600000 }
 */
export function toLiteral(value: unknown, mode: CompareMode, fail: Fail): Literal {
  switch (mode) {
    case 'instant':
      if (typeof value === 'number' && !Number.isNaN(value)) return { type: 'instant', value }
      if (value instanceof Date || typeof value === 'string' || typeof value === 'number') {
        const ms = timestampMillis(value)
        if (ms === undefined) fail(`${quote(value)} is not a timestamp; use an ISO-8601 string, epoch milliseconds or a Date`)
        return { type: 'instant', value: ms }
      }
      if (typeof value === 'bigint') return { type: 'instant', value: Number(value) }
      if (Array.isArray(value)) return { type: 'json', value: value.map((item: unknown) => toInstantIfPossible(item)) }
      break
    case 'bigint':
      if (typeof value === 'string') {
        if (!INTEGER_TEXT.test(value)) fail(`${quote(value)} is not an integer for a bigint field`)
        return { type: 'bigint', value: BigInt(value) }
      }
      break
    case 'decimal':
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') {
        const decimal = parseDecimal(value)
        if (decimal === undefined) fail(`${quote(value)} is not a decimal number`)
        return { type: 'decimal', value: decimal, number: exactDouble(decimal) }
      }
      break
    case 'date':
      if (value instanceof Date) {
        const day = calendarDate(value)
        if (day === undefined) fail('the Date is invalid')
        return { type: 'string', value: day }
      }
      break
    case 'plain':
      break
  }
  return plainLiteral(value, fail)
}

function plainLiteral(value: unknown, fail: Fail): Literal {
  if (value === null || value === undefined) return { type: 'null' }
  switch (typeof value) {
    case 'number':
      return { type: 'number', value }
    case 'bigint':
      return { type: 'bigint', value }
    case 'string':
      return { type: 'string', value }
    case 'boolean':
      return { type: 'boolean', value }
    case 'object':
      if (value instanceof Date) {
        const ms = value.getTime()
        if (Number.isNaN(ms)) fail('the Date is invalid')
        return { type: 'instant', value: ms }
      }
      if (value instanceof RegExp) return { type: 'regex', value: statelessRegex(value) }
      if (Array.isArray(value) || isPlainObject(value)) return { type: 'json', value }
      break
  }
  return fail(`a ${describeType(value)} cannot be compared with row values`)
}

function toInstantIfPossible(item: unknown): unknown {
  if (typeof item !== 'string' && typeof item !== 'number') return item
  const ms = timestampMillis(item)
  return ms === undefined ? item : new Date(ms)
}

/** The double that holds exactly this decimal, if any; lets number values skip decimal parsing. */
function exactDouble(decimal: Decimal): number | undefined {
  const text = `${decimal.negative ? '-' : ''}${decimal.digits || '0'}e${decimal.exponent}`
  const number = Number(text)
  if (!Number.isFinite(number)) return undefined
  const back = parseDecimal(number)
  return back !== undefined && back.digits === decimal.digits && back.exponent === decimal.exponent && back.negative === decimal.negative ? number : undefined
}

const ALLOWED_FLAGS = /^[imsuv]*$/

/**
 * A RegExp for `$regex`/`$options`. Only flags that do not make `test` stateful or change
 * nothing are accepted (i, m, s, u, v); MongoDB's 'x' has no JS equivalent.
 *
 * @example
 * buildRegex('^get', 'i', fail) // /^get/i
 */
export function buildRegex(pattern: string | RegExp, options: string | undefined, fail: Fail): RegExp {
  const source = typeof pattern === 'string' ? pattern : pattern.source
  const flags = options ?? (typeof pattern === 'string' ? '' : pattern.flags.replace(/[gyd]/g, ''))
  if (!ALLOWED_FLAGS.test(flags)) fail(`unsupported regex options "${flags}" (allowed: i, m, s, u, v)`)
  try {
    return new RegExp(source, flags)
  } catch (error) {
    return fail(`invalid regular expression /${source}/${flags}: ${error instanceof Error ? error.message : String(error)}`)
  }
}

/** A RegExp literal without 'g'/'y', whose `test` would otherwise depend on earlier calls. */
function statelessRegex(regex: RegExp): RegExp {
  return regex.global || regex.sticky ? new RegExp(regex.source, regex.flags.replace(/[gy]/g, '')) : regex
}

function quote(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString()
  return String(value)
}
