import { calendarDate, timestampMillis } from './calendar.ts'
import { copyJsonValue } from './copy-json-value.ts'
import { parseDecimal, decimalFromUnscaled } from './decimal.ts'
import { InvalidValue } from './invalid-value.ts'
import type { ScalarField, ScalarKind } from './types.ts'
import { VariantText } from './variant-text.ts'

/** Turns one input value into its stored JS form, or throws InvalidValue. Never sees null/undefined. */
export type Normalize = (value: unknown) => unknown

export const MAX_ID_LENGTH = 256
const INT32_MIN = -2147483648
const INT32_MAX = 2147483647
const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
const INTEGER_TEXT = /^[+-]?\d+$/
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
const isWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed

/** The name a kind goes by in messages ('decimal(10,2)', 'timestamp'). */
export function kindLabel(field: Pick<ScalarField, 'kind' | 'precision' | 'scale'>): string {
  return field.kind === 'decimal' ? `decimal(${field.precision},${field.scale})` : field.kind
}

/**
 * Strings are stored as UTF-8, which cannot hold a lone surrogate: rejecting it keeps the round
 * trip exact instead of silently turning it into U+FFFD.
 */
function wellFormed(text: string): boolean {
  return isWellFormed ? isWellFormed.call(text) : !LONE_SURROGATE.test(text)
}

/**
 * The check for an entity id ($id, or the target id a forward relation stores): a non-empty
 * string of at most 256 characters without control characters.
 */
export function idNormalizer(expected: string): Normalize {
  return value => {
    if (typeof value !== 'string') throw new InvalidValue(expected, value)
    if (value === '') throw new InvalidValue(expected, value, 'ids cannot be empty')
    if (value.length > MAX_ID_LENGTH) throw new InvalidValue(expected, value, `ids are at most ${MAX_ID_LENGTH} characters`)
    if (CONTROL_CHARS.test(value)) throw new InvalidValue(expected, value, 'ids cannot contain control characters')
    if (!wellFormed(value)) throw new InvalidValue(expected, value, 'contains a lone UTF-16 surrogate')
    return value
  }
}

function scalarNormalizer(kind: ScalarKind, label: string, precision = 0, scale = 0): Normalize {
  switch (kind) {
    case 'string':
      return value => {
        if (typeof value !== 'string') throw new InvalidValue(label, value)
        if (!wellFormed(value)) throw new InvalidValue(label, value, 'contains a lone UTF-16 surrogate')
        return value
      }
    case 'int':
      return value => {
        if (typeof value !== 'number' || !Number.isInteger(value)) throw new InvalidValue(label, value)
        if (value < INT32_MIN || value > INT32_MAX) throw new InvalidValue(label, value, `outside ${INT32_MIN}..${INT32_MAX}`)
        return value === 0 ? 0 : value
      }
    case 'bigint':
      return value => {
        let big: bigint
        if (typeof value === 'bigint') big = value
        else if (typeof value === 'number' && Number.isSafeInteger(value)) big = BigInt(value)
        else if (typeof value === 'string' && INTEGER_TEXT.test(value)) big = BigInt(value)
        else {
          const note = typeof value === 'number' && Number.isInteger(value) ? 'beyond Number.MAX_SAFE_INTEGER; pass a bigint or a string' : undefined
          throw new InvalidValue(label, value, note)
        }
        if (big < INT64_MIN || big > INT64_MAX) throw new InvalidValue(label, value, 'outside the 64-bit integer range')
        return big
      }
    case 'float':
      return value => {
        if (typeof value !== 'number') throw new InvalidValue(label, value)
        if (!Number.isFinite(value)) throw new InvalidValue(label, value, 'numbers must be finite')
        const rounded = Math.fround(value)
        if (!Number.isFinite(rounded)) throw new InvalidValue(label, value, 'outside the 32-bit float range')
        return rounded === 0 ? 0 : rounded
      }
    case 'double':
      return value => {
        if (typeof value !== 'number') throw new InvalidValue(label, value)
        if (!Number.isFinite(value)) throw new InvalidValue(label, value, 'numbers must be finite')
        return value === 0 ? 0 : value
      }
    case 'decimal':
      return value => {
        const unscaled = parseDecimal(value, precision, scale)
        if (typeof unscaled === 'string') {
          // 'abc' needs no explanation; '1.234' for decimal(10,2) does.
          const note = unscaled.startsWith('has more') ? unscaled : undefined
          throw new InvalidValue(label, value, note)
        }
        return decimalFromUnscaled(unscaled, precision, scale)
      }
    case 'boolean':
      return value => {
        if (typeof value !== 'boolean') throw new InvalidValue(label, value)
        return value
      }
    case 'timestamp':
      return value => {
        const ms = timestampMillis(value)
        if (ms === undefined) throw new InvalidValue(label, value, 'use a Date, an ISO-8601 string or integer epoch milliseconds')
        return new Date(ms)
      }
    case 'date':
      return value => {
        const day = calendarDate(value)
        if (day === undefined) throw new InvalidValue(label, value, "use 'YYYY-MM-DD' or a Date")
        return day
      }
    case 'variant':
      return copyJsonValue
  }
}

/**
 * The engine's variant check: one native JSON.stringify both validates and serializes (JSON's
 * own rules apply: Dates become ISO strings, NaN becomes null, undefined properties are dropped).
 */
function variantTextNormalizer(label: string): Normalize {
  return value => {
    let text: string | undefined
    try {
      text = JSON.stringify(value)
    } catch (error) {
      const note = typeof value === 'bigint' || String(error).includes('BigInt') ? 'bigint is not JSON; use a number or a string' : 'contains a cycle'
      throw new InvalidValue(label, value, note)
    }
    if (text === undefined) throw new InvalidValue(label, value)
    return new VariantText(text)
  }
}

export interface NormalizerOptions {
  /** Variants as VariantText (the engine's stored form) instead of deep-copied plain data. */
  variantText?: boolean
}

/**
 * The normalizer of one stored column: checks the kind, and for arrays every element (paths like
 * `logs[2]` on error). `relationTarget` marks the column of a forward relation, whose values are
 * the target's $id.
 *
 * @example
 * valueNormalizer({ name: 'total', kind: 'decimal', precision: 10, scale: 2, required: true, array: false, source: 'decimal(10,2)!' })('12.50') // 12.5
 */
export function valueNormalizer(column: ScalarField, relationTarget?: string, options: NormalizerOptions = {}): Normalize {
  const label = relationTarget !== undefined ? `$id of ${relationTarget}` : kindLabel(column)
  const element = relationTarget !== undefined || column.name === '$id'
    ? idNormalizer(column.name === '$id' ? 'id string' : label)
    : column.kind === 'variant' && options.variantText
      ? variantTextNormalizer('JSON value')
      : scalarNormalizer(column.kind, label, column.precision, column.scale)
  if (!column.array) return element
  const arrayLabel = `${label}[]`
  // Inside a 'variant[]', null is a JSON value; every other element kind must be present.
  const nullable = column.kind === 'variant' && relationTarget === undefined
  return value => {
    if (!Array.isArray(value)) throw new InvalidValue(arrayLabel, value)
    const out: unknown[] = new Array(value.length)
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i]
      if (item === null || item === undefined) {
        if (nullable) {
          out[i] = null
          continue
        }
        throw new InvalidValue(label, item).within(i)
      }
      try {
        out[i] = element(item)
      } catch (e) {
        throw e instanceof InvalidValue ? e.within(i) : e
      }
    }
    return out
  }
}
