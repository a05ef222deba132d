/** `$toString` and `$toNumber`: total conversions that give null rather than throw. */

const NUMERIC_TEXT = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/

/**
 * A value as text: strings as they are, numbers and bigints in decimal, booleans as
 * 'true'/'false', Dates as ISO 8601 (null for an Invalid Date), objects and arrays as JSON.
 *
 * @example
 * toStringValue(new Date(0)) // '1970-01-01T00:00:00.000Z'
 * toStringValue(null) // null
 */
export function toStringValue(value: unknown): string | null {
  switch (typeof value) {
    case 'string':
      return value
    case 'number':
    case 'bigint':
    case 'boolean':
      return String(value)
    case 'object':
      if (value === null) return null
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString()
      return JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item)) ?? null
    default:
      return null
  }
}

/**
 * A value as a double: numbers as they are, bigints and numeric strings ('12.50', ' 1e3 ')
 * converted, booleans as 1/0, Dates as epoch milliseconds; null for anything else (Invalid Dates and
 * non-numeric strings included).
 *
 * @example
 * toNumberValue('12345678901234567.89') // 12345678901234568
 * toNumberValue('abc') // null
 */
export function toNumberValue(value: unknown): number | null {
  switch (typeof value) {
    case 'number':
      return value
    case 'bigint':
      return Number(value)
    case 'boolean':
      return value ? 1 : 0
    case 'string':
      return NUMERIC_TEXT.test(value) ? Number(value) : null
    case 'object':
      if (!(value instanceof Date)) return null
      return Number.isNaN(value.getTime()) ? null : value.getTime()
    default:
      return null
  }
}
