import type { DecimalValue } from './types.ts'

/**
 * Exact decimal handling. A decimal(p,s) is stored as its unscaled integer (value × 10^s); the JS
 * form is a number when p <= 15 (any 15-digit decimal survives a double: it prints back the same)
 * and a string with exactly s fractional digits above that.
 */

/** Precision up to which a decimal's JS form is a number. */
export const MAX_NUMBER_DECIMAL_PRECISION = 15

/** Exact powers of ten as doubles (literals are parsed exactly; `10 ** n` need not be). */
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15]

const DECIMAL_TEXT = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/

/**
 * The unscaled integer of a decimal input (a number or a numeric string), or a string saying why
 * the input does not fit decimal(precision, scale). Never rounds: extra fractional digits are
 * an error, trailing zeros are not.
 *
 * @example
 * parseDecimal('12.50', 10, 2) // 1250n
 * parseDecimal(0.125, 10, 2)   // 'has more than 2 fractional digits'
 */
export function parseDecimal(value: unknown, precision: number, scale: number): bigint | string {
  let text: string
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return 'is not a finite number'
    if (precision <= MAX_NUMBER_DECIMAL_PRECISION) {
      // Fast path: the nearest double to u / 10^s is exactly what a valid input looks like.
      const factor = POW10[scale] ?? 1
      const unscaled = Math.round(value * factor)
      if (unscaled / factor === value && Math.abs(unscaled) < (POW10[precision] ?? 0)) return BigInt(unscaled)
    }
    text = String(value)
  } else if (typeof value === 'string') {
    text = value
  } else {
    return 'is not a number or numeric string'
  }

  const m = DECIMAL_TEXT.exec(text)
  const intPart = m?.[2] ?? ''
  const fracPart = m?.[3] ?? ''
  if (!m || intPart.length + fracPart.length === 0) return 'is not a decimal number'
  let digits = (intPart + fracPart).replace(/^0+/, '')
  // A huge exponent could not fit anyway; keep it from turning into a huge string below.
  const exponentText = m[4] ?? '0'
  if (exponentText.replace(/^[+-]?0*/, '').length > 6) {
    return digits === '' ? 0n : exponentText.startsWith('-') ? `has more than ${scale} fractional digits` : `has more than ${precision - scale} integer digits`
  }
  let exponent = Number(exponentText) - fracPart.length
  if (digits === '') return 0n
  while (exponent + scale < 0 && digits.endsWith('0')) {
    digits = digits.slice(0, -1)
    exponent++
  }
  if (exponent + scale < 0) return `has more than ${scale} fractional digits`
  if (digits.length + exponent + scale > precision) return `has more than ${precision - scale} integer digits`
  const unscaled = BigInt(digits + '0'.repeat(exponent + scale))
  return m[1] === '-' ? -unscaled : unscaled
}

/**
 * The JS form of an unscaled decimal integer: a number when precision <= 15, else a string with
 * exactly `scale` fractional digits.
 *
 * @example
 * decimalFromUnscaled(1234567899n, 10, 2)  // 12345678.99
 * decimalFromUnscaled(-5n, 20, 3)          // '-0.005'
 */
export function decimalFromUnscaled(unscaled: bigint | number, precision: number, scale: number): DecimalValue {
  if (precision <= MAX_NUMBER_DECIMAL_PRECISION && scale < POW10.length) {
    // Both operands are exact doubles (|unscaled| < 10^15 < 2^53) and IEEE division rounds
    // correctly, so this is the double nearest the decimal — the one Number('12345678.99') gives.
    return Number(unscaled) / (POW10[scale] ?? 1)
  }
  return formatUnscaled(BigInt(unscaled), scale)
}

/** 'unscaled / 10^scale' written out with exactly `scale` fractional digits. */
export function formatUnscaled(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0')
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`
  return negative ? `-${text}` : text
}
