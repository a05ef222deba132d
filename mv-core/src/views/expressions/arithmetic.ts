/**
 * The arithmetic of `$add`, `$subtract`, `$multiply` and `$divide`. Operands are numbers,
 * bigints and (for `$add`/`$subtract`) Dates; anything else, null included, makes the result
 * null, as SQL's NULL does. Decimal values wider than 15 digits arrive as strings: convert
 * them with `$toNumber` first.
 *
 * - bigint with bigint stays bigint; bigint with number becomes a number;
 * - Date ± number of milliseconds is a Date; Date − Date is milliseconds; other Date mixes are null;
 * - `$divide` always gives a double (like DuckDB's `/`), and null when dividing by zero.
 */

type Numeric = number | bigint

function isNumeric(value: unknown): value is Numeric {
  return typeof value === 'number' || typeof value === 'bigint'
}

/**
 * a + b under the rules above.
 *
 * @example
 * addValues(new Date(0), 1000) // Date(1970-01-01T00:00:01.000Z)
 * addValues(1n, 2) // 3
 */
export function addValues(a: unknown, b: unknown): unknown {
  if (typeof a === 'number' && typeof b === 'number') return a + b
  if (typeof a === 'bigint' && typeof b === 'bigint') return a + b
  if (isNumeric(a)) {
    if (isNumeric(b)) return Number(a) + Number(b)
    if (b instanceof Date) return new Date(b.getTime() + Number(a))
    return null
  }
  if (a instanceof Date && isNumeric(b)) return new Date(a.getTime() + Number(b))
  return null
}

/**
 * a − b under the rules above.
 *
 * @example
 * subtractValues(new Date(5000), new Date(2000)) // 3000
 */
export function subtractValues(a: unknown, b: unknown): unknown {
  if (typeof a === 'number' && typeof b === 'number') return a - b
  if (typeof a === 'bigint' && typeof b === 'bigint') return a - b
  if (isNumeric(a)) return isNumeric(b) ? Number(a) - Number(b) : null
  if (a instanceof Date) {
    if (isNumeric(b)) return new Date(a.getTime() - Number(b))
    if (b instanceof Date) return a.getTime() - b.getTime()
  }
  return null
}

/**
 * a × b under the rules above.
 *
 * @example
 * multiplyValues(3n, 4n) // 12n
 */
export function multiplyValues(a: unknown, b: unknown): unknown {
  if (typeof a === 'number' && typeof b === 'number') return a * b
  if (typeof a === 'bigint' && typeof b === 'bigint') return a * b
  return isNumeric(a) && isNumeric(b) ? Number(a) * Number(b) : null
}

/**
 * a ÷ b as a double; null for a zero divisor or a non-numeric operand.
 *
 * @example
 * divideValues(7n, 2n) // 3.5
 * divideValues(1, 0) // null
 */
export function divideValues(a: unknown, b: unknown): unknown {
  if (!isNumeric(a) || !isNumeric(b)) return null
  const divisor = Number(b)
  return divisor === 0 ? null : Number(a) / divisor
}
