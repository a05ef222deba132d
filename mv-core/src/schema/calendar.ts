/**
 * Calendar arithmetic for the 'timestamp' and 'date' kinds, done on integers so results never
 * depend on the host's time zone or on Date's two-digit-year quirks.
 */

const MS_PER_DAY = 86_400_000
/** The range of a JS Date: ±100,000,000 days around 1970. */
export const MAX_EPOCH_MS = 8.64e15

const ISO_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*([Zz]|[+-]\d{2}(?::?\d{2})?)?)?$/
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1..12). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yearOfEra = y - era * 400
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear
  return era * 146097 + dayOfEra - 719468
}

/** The 'YYYY-MM-DD' of a day count since 1970-01-01 (inverse of daysFromCivil). */
export function dateFromDays(days: number): string {
  const z = days + 719468
  const era = Math.floor(z / 146097)
  const dayOfEra = z - era * 146097
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365)
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100))
  const mp = Math.floor((5 * dayOfYear + 2) / 153)
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1
  const month = mp < 10 ? mp + 3 : mp - 9
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
  const yyyy = year < 0 ? `-${String(-year).padStart(4, '0')}` : String(year).padStart(4, '0')
  return `${yyyy}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}

function validDay(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)
}

/**
 * Epoch milliseconds of a timestamp input, or undefined when it is not one: a valid Date, an
 * integer number of epoch milliseconds, or an ISO-8601 string ('2024-05-01', '2024-05-01T10:00Z',
 * '2024-05-01 10:00:00.123+02:00'). A string without an offset is UTC; digits past the
 * millisecond are dropped (timestamps keep millisecond precision).
 *
 * @example
 * timestampMillis('1970-01-01T00:00:01.5Z') // 1500
 */
export function timestampMillis(value: unknown): number | undefined {
  let ms: number
  if (value instanceof Date) ms = value.getTime()
  else if (typeof value === 'number') {
    if (!Number.isInteger(value)) return undefined
    ms = value
  } else if (typeof value === 'string') {
    const parsed = parseIsoTimestamp(value)
    if (parsed === undefined) return undefined
    ms = parsed
  } else return undefined
  if (!(Math.abs(ms) <= MAX_EPOCH_MS)) return undefined
  return ms === 0 ? 0 : ms // no -0
}

function parseIsoTimestamp(text: string): number | undefined {
  const m = ISO_TIMESTAMP.exec(text)
  if (!m) return undefined
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', offset] = m
  const year = Number(y), month = Number(mo), day = Number(d)
  const hour = Number(h), minute = Number(mi), second = Number(s)
  if (!validDay(year, month, day) || hour > 23 || minute > 59 || second > 59) return undefined
  let offsetMinutes = 0
  if (offset !== undefined && offset !== 'Z' && offset !== 'z') {
    const digits = offset.slice(1).replace(':', '')
    const oh = Number(digits.slice(0, 2)), om = Number(digits.slice(2) || '0')
    if (digits.length !== 2 && digits.length !== 4) return undefined
    if (oh > 23 || om > 59) return undefined
    offsetMinutes = (offset[0] === '-' ? -1 : 1) * (oh * 60 + om)
  }
  const millis = Number(fraction.slice(0, 3).padEnd(3, '0'))
  return daysFromCivil(year, month, day) * MS_PER_DAY +
    ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + millis
}

/**
 * The 'YYYY-MM-DD' of a date input, or undefined when it is not one: a 'YYYY-MM-DD' string naming
 * a real calendar day, or a valid Date (its UTC day). Years are limited to 0000..9999.
 *
 * @example
 * calendarDate(new Date('2024-02-29T23:00:00Z')) // '2024-02-29'
 */
export function calendarDate(value: unknown): string | undefined {
  if (typeof value === 'string') {
    const m = ISO_DATE.exec(value)
    if (!m) return undefined
    return validDay(Number(m[1]), Number(m[2]), Number(m[3])) ? value : undefined
  }
  if (value instanceof Date) {
    const ms = value.getTime()
    if (Number.isNaN(ms)) return undefined
    const text = dateFromDays(Math.floor(ms / MS_PER_DAY))
    return ISO_DATE.test(text) ? text : undefined
  }
  return undefined
}

/** Days since 1970-01-01 of a 'YYYY-MM-DD' string already checked by calendarDate. */
export function daysFromDate(text: string): number {
  return daysFromCivil(Number(text.slice(0, 4)), Number(text.slice(5, 7)), Number(text.slice(8, 10)))
}
