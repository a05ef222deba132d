import { dateFromDays, daysFromCivil, MAX_EPOCH_MS, timestampMillis } from '../../schema/calendar.ts'
import type { BucketUnit } from './types.ts'
import { localToInstant, zoneOffset } from './zone-offset.ts'

/**
 * Time buckets for `$groupBy: [{ hour: '$timestamp' }]`, cut in local time of a zone, so a
 * 'day' in 'Europe/Berlin' runs from Berlin midnight to Berlin midnight (23 or 25 hours on DST
 * days). Weeks start on Monday, as DuckDB's date_trunc('week').
 */

/** The buckets that truncate an instant to an instant; 'date' gives a calendar day instead. */
export type TruncateUnit = Exclude<BucketUnit, 'date'>

const MS_PER_MINUTE = 60_000
const MS_PER_HOUR = 3_600_000
const MS_PER_DAY = 86_400_000

/**
 * The start of the bucket holding an instant. Minutes and hours are cut by the local clock
 * (the two 01:00 hours of a night when clocks go back are two buckets); days, weeks and months
 * start at local midnight, or at the first instant of the day when midnight is skipped.
 *
 * @example
 * truncateToBucket(new Date('2024-03-31T12:00:00Z'), 'day', 'Europe/Berlin') // 2024-03-30T23:00:00.000Z
 * truncateToBucket(new Date('2024-01-17T10:00:00Z'), 'week', 'UTC') // 2024-01-15T00:00:00.000Z (a Monday)
 */
export function truncateToBucket(instant: Date | number, unit: TruncateUnit, timeZone = 'UTC'): Date {
  return new Date(truncateMillis(typeof instant === 'number' ? instant : instant.getTime(), unit, timeZone))
}

/**
 * The calendar day of an instant in a zone, as 'YYYY-MM-DD'.
 *
 * @example
 * calendarDay(new Date('2024-01-15T23:30:00Z'), 'Europe/Berlin') // '2024-01-16'
 */
export function calendarDay(instant: Date | number, timeZone = 'UTC'): string {
  const ms = typeof instant === 'number' ? instant : instant.getTime()
  return dateFromDays(Math.floor((ms + zoneOffset(ms, timeZone)) / MS_PER_DAY))
}

/**
 * The end (exclusive) of the bucket starting at `start`: the next bucket's start. With
 * truncateToBucket it turns a bucket into a time range, e.g. to filter source rows of a group.
 *
 * @example
 * bucketEnd(new Date('2024-10-27T00:00:00+02:00'), 'day', 'Europe/Berlin') // 2024-10-27T23:00:00.000Z (a 25-hour day)
 */
export function bucketEnd(start: Date | number, unit: TruncateUnit, timeZone = 'UTC'): Date {
  const ms = typeof start === 'number' ? start : start.getTime()
  // A step longer than this bucket and shorter than this one plus the next lands in the next.
  const step = { minute: MS_PER_MINUTE, hour: MS_PER_HOUR, day: 36 * MS_PER_HOUR, week: 8 * MS_PER_DAY, month: 32 * MS_PER_DAY }[unit]
  return new Date(truncateMillis(ms + step, unit, timeZone))
}

/**
 * A group key's bucket of a value: Dates, epoch milliseconds and ISO strings are instants; a
 * 'YYYY-MM-DD' string (a 'date' column) is that calendar day in the zone, so a weekly view over a
 * daily one keeps its days. Anything else (null included) gives null. 'date' returns
 * 'YYYY-MM-DD', the other units a Date.
 *
 * @example
 * bucketOf('2024-01-17', 'week', 'UTC') // Date(2024-01-15T00:00:00.000Z)
 * bucketOf(new Date('2024-01-15T23:30:00Z'), 'date', 'Europe/Berlin') // '2024-01-16'
 */
export function bucketOf(value: unknown, unit: BucketUnit, timeZone: string): Date | string | null {
  if (unit === 'date') {
    if (typeof value === 'string' && CALENDAR_DAY.test(value)) return daysOfCalendarDay(value) === undefined ? null : value
    const ms = timestampMillis(typeof value === 'bigint' ? Number(value) : value)
    return ms === undefined ? null : calendarDay(ms, timeZone)
  }
  const start = bucketStartMillis(value, unit, timeZone)
  return start === null ? null : new Date(start)
}

/**
 * bucketOf for the units that give an instant, as epoch milliseconds: what grouping compares,
 * without a Date per row.
 *
 * @example
 * bucketStartMillis(Date.UTC(2024, 0, 15, 10, 42), 'hour', 'UTC') // Date.UTC(2024, 0, 15, 10)
 */
export function bucketStartMillis(value: unknown, unit: TruncateUnit, timeZone: string): number | null {
  if (typeof value === 'string' && CALENDAR_DAY.test(value)) {
    const days = daysOfCalendarDay(value)
    return days === undefined ? null : truncateLocalDays(days, unit === 'minute' || unit === 'hour' ? 'day' : unit, timeZone)
  }
  const ms = timestampMillis(typeof value === 'bigint' ? Number(value) : value)
  return ms === undefined ? null : truncateMillis(ms, unit, timeZone)
}

/**
 * bucketStartMillis for one unit and zone, with the cut for epoch-ms inputs in UTC minutes,
 * hours and days done inline (what a grouping over millions of rows calls once per row).
 *
 * @example
 * const hourOf = bucketStartReader('hour', 'UTC')
 * hourOf(Date.UTC(2024, 0, 15, 10, 42)) // Date.UTC(2024, 0, 15, 10)
 */
export function bucketStartReader(unit: TruncateUnit, timeZone: string): (value: unknown) => number | null {
  const size = timeZone === 'UTC' ? { minute: MS_PER_MINUTE, hour: MS_PER_HOUR, day: MS_PER_DAY, week: 0, month: 0 }[unit] : 0
  if (size === 0) return (value) => bucketStartMillis(value, unit, timeZone)
  return (value) => {
    if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) <= MAX_EPOCH_MS) return value - mod(value, size) || 0
    return bucketStartMillis(value, unit, timeZone)
  }
}

const CALENDAR_DAY = /^(\d{4})-(\d{2})-(\d{2})$/
const YEAR_MONTH = /^(-?\d+)-(\d{2})-/

function daysOfCalendarDay(text: string): number | undefined {
  const [, y, m, d] = CALENDAR_DAY.exec(text) as unknown as [string, string, string, string]
  const year = Number(y), month = Number(m), day = Number(d)
  const days = daysFromCivil(year, month, day)
  // Reject '2024-02-30': it would silently become March 1st.
  return month >= 1 && month <= 12 && day >= 1 && dateFromDays(days) === text ? days : undefined
}

function truncateMillis(ms: number, unit: TruncateUnit, timeZone: string): number {
  const offset = zoneOffset(ms, timeZone)
  const local = ms + offset
  switch (unit) {
    case 'minute':
    case 'hour': {
      const start = ms - mod(local, unit === 'minute' ? MS_PER_MINUTE : MS_PER_HOUR)
      // Clocks moved by less than a bucket (Lord Howe's half hour) since the local hour began:
      // the bucket starts where this offset does, so each bucket starts at its first instant.
      return zoneOffset(start, timeZone) === offset ? start : firstInstantWithOffset(start, ms, offset, timeZone)
    }
    default:
      return truncateLocalDays(Math.floor(local / MS_PER_DAY), unit, timeZone)
  }
}

/** The first instant in (low, high] at `offset`, given it holds at `high` and not at `low`. */
function firstInstantWithOffset(low: number, high: number, offset: number, timeZone: string): number {
  while (high - low > 1) {
    const middle = low + Math.floor((high - low) / 2)
    if (zoneOffset(middle, timeZone) === offset) high = middle
    else low = middle
  }
  return high
}

/** The start of the day, week or month holding a local day (days since 1970-01-01). */
function truncateLocalDays(days: number, unit: 'day' | 'week' | 'month', timeZone: string): number {
  let first = days
  if (unit === 'week') {
    // 1970-01-01 was a Thursday: (days + 3) mod 7 is 0 on Mondays.
    first = days - mod(days + 3, 7)
  } else if (unit === 'month') {
    const [, year, month] = YEAR_MONTH.exec(dateFromDays(days)) as unknown as [string, string, string]
    first = daysFromCivil(Number(year), Number(month), 1)
  }
  return localToInstant(first * MS_PER_DAY, timeZone)
}

function mod(a: number, b: number): number {
  const r = a % b
  return r < 0 ? r + b : r
}
