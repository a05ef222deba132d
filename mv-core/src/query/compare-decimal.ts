/**
 * Exact decimal comparison for 'decimal' columns, whose values are numbers or, above 15 digits
 * of precision, decimal strings that a double cannot hold.
 */

/** A decimal as sign, significant digits (no leading or trailing zeros; '' for zero) and exponent. */
export interface Decimal {
  readonly negative: boolean
  readonly digits: string
  readonly exponent: number
}

const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,9}))?$/

/**
 * Parses a decimal string ('-12.50', '1e-7'), a finite number (by its shortest round-trip text)
 * or a bigint. Undefined for anything else.
 *
 * @example
 * parseDecimal('12.50') // { negative: false, digits: '125', exponent: -1 }
 */
export function parseDecimal(value: string | number | bigint): Decimal | undefined {
  if (typeof value === 'number' && !Number.isFinite(value)) return undefined
  const match = DECIMAL_TEXT.exec(String(value))
  if (!match) return undefined
  const [, sign = '', whole = '', fraction = '', exp = '0'] = match
  if (whole === '' && fraction === '') return undefined
  let digits = whole + fraction
  let exponent = Number(exp) - fraction.length
  let start = 0
  while (start < digits.length && digits.charCodeAt(start) === 48) start++
  let end = digits.length
  while (end > start && digits.charCodeAt(end - 1) === 48) end--
  exponent += digits.length - end
  digits = digits.slice(start, end)
  if (digits === '') return { negative: false, digits: '', exponent: 0 }
  return { negative: sign === '-', digits, exponent }
}

/**
 * -1, 0 or 1 as `a` is below, equal to or above `b`, exactly.
 *
 * @example
 * compareDecimal(parseDecimal('0.1')!, parseDecimal(0.1)!) // 0
 */
export function compareDecimal(a: Decimal, b: Decimal): number {
  const sa = a.digits === '' ? 0 : a.negative ? -1 : 1
  const sb = b.digits === '' ? 0 : b.negative ? -1 : 1
  if (sa !== sb) return sa < sb ? -1 : 1
  if (sa === 0) return 0
  const magnitude = compareMagnitude(a, b)
  return magnitude === 0 ? 0 : sa * magnitude
}

function compareMagnitude(a: Decimal, b: Decimal): number {
  // The position of the leading digit decides first; then, with trailing zeros stripped, the
  // digit strings compare like the numbers they spell.
  const ea = a.digits.length + a.exponent
  const eb = b.digits.length + b.exponent
  if (ea !== eb) return ea < eb ? -1 : 1
  return a.digits < b.digits ? -1 : a.digits > b.digits ? 1 : 0
}
