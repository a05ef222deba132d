import { parseDecimal } from '../../query/compare-decimal.ts'

/**
 * How numeric aggregates read their inputs. Numbers, bigints and numeric strings (decimals
 * wider than 15 digits arrive as strings) count; booleans, Dates, objects and other strings are
 * not numbers and are skipped like null, as MongoDB's $sum does: the view layer checks field
 * kinds against the source schema before it gets here.
 */

const NUMERIC_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/

/**
 * The input as a double, or undefined when it is not numeric.
 *
 * @example
 * numericDouble('12.5') // 12.5
 * numericDouble(true) // undefined
 */
export function numericDouble(value: unknown): number | undefined {
  if (typeof value === 'number') return value
  if (typeof value === 'bigint') return Number(value)
  if (typeof value === 'string' && NUMERIC_TEXT.test(value)) return Number(value)
  return undefined
}

/** Exact powers of ten as doubles (literals are parsed exactly; `10 ** n` need not be). */
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15]

const MAX_DIGITS = 80 // beyond decimal(38,s) by far; keeps a '1e999999' from becoming a huge string

/**
 * The input times 10^scale as an exact integer, for sums over a decimal(p, scale) column. Column
 * values fit the scale exactly; other inputs (a computed double with more fractional digits) are
 * rounded half away from zero at the scale. Undefined when not numeric or not finite.
 *
 * @example
 * unscaledDecimal(12.34, 2) // 1234n
 * unscaledDecimal('-0.005', 3) // -5n
 */
export function unscaledDecimal(value: unknown, scale: number): bigint | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined
    const factor = POW10[scale]
    if (factor !== undefined) {
      // Fast path: a decimal of up to 15 digits is the double nearest u / 10^s, so rounding the
      // scaled double recovers u; the division checks it (the factor is an exact double).
      const unscaled = Math.round(value * factor)
      if (Number.isSafeInteger(unscaled) && unscaled / factor === value) return BigInt(unscaled)
    }
    return unscaledFromText(String(value), scale)
  }
  if (typeof value === 'bigint') return value * 10n ** BigInt(scale)
  if (typeof value === 'string') return unscaledFromText(value, scale)
  return undefined
}

function unscaledFromText(text: string, scale: number): bigint | undefined {
  const decimal = parseDecimal(text)
  if (decimal === undefined) return undefined
  if (decimal.digits === '') return 0n
  const shift = decimal.exponent + scale
  if (decimal.digits.length + shift > MAX_DIGITS) return undefined
  let unscaled: bigint
  if (shift >= 0) {
    unscaled = BigInt(decimal.digits + '0'.repeat(shift))
  } else {
    const keep = decimal.digits.length + shift
    const kept = keep > 0 ? BigInt(decimal.digits.slice(0, keep)) : 0n
    const firstDropped = keep >= 0 ? decimal.digits.charCodeAt(keep) - 48 : 0
    unscaled = firstDropped >= 5 ? kept + 1n : kept
  }
  return decimal.negative ? -unscaled : unscaled
}
