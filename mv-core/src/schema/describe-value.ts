const MAX_SHOWN = 60

/**
 * A short, JSON-safe description of any value for error messages: strings quoted and cut,
 * numbers and booleans as written, bigint with 'n', objects by kind.
 *
 * @example
 * describeValue('abc') // '"abc"'
 * describeValue(12n)   // '12n'
 * describeValue(new Map()) // 'Map'
 */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'string': {
      const shown = value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value
      return JSON.stringify(shown)
    }
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value)
    case 'bigint':
      return `${value}n`
    case 'boolean':
      return String(value)
    case 'undefined':
      return 'undefined'
    case 'function':
      return 'function'
    case 'symbol':
      return 'symbol'
  }
  if (value === null) return 'null'
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : `Date(${value.toISOString()})`
  if (Array.isArray(value)) return `array(${value.length})`
  const proto: unknown = Object.getPrototypeOf(value)
  if (proto === Object.prototype || proto === null) return 'object'
  const name: unknown = (value as { constructor?: { name?: unknown } }).constructor?.name
  return typeof name === 'string' && name !== '' ? name : 'object'
}
