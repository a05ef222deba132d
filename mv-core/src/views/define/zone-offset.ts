import { daysFromCivil } from '../../schema/calendar.ts'

/**
 * UTC offsets of IANA time zones, read from Intl (the only tz database a Worker has). Offsets
 * are cached per 15-minute slot of UTC time: every transition since the early 20th century
 * falls on such a boundary, and a slot is cached only when the offset is the same at both of
 * its ends, so the odd historical transition inside a slot is still computed exactly.
 */

const MS_PER_MINUTE = 60_000
const MS_PER_DAY = 86_400_000
const SLOT_MS = 15 * MS_PER_MINUTE
/** Enough slots for years of hourly data; cleared whole when full (cheap, and rare). */
const MAX_CACHED_SLOTS = 50_000

interface Zone {
  readonly format: Intl.DateTimeFormat
  readonly slots: Map<number, number>
}

const zones = new Map<string, Zone>()

/**
 * The canonical name of an IANA time zone ('utc' → 'UTC'), or undefined when Intl does not know
 * it.
 *
 * @example
 * canonicalTimeZone('Europe/Berlin') // 'Europe/Berlin'
 * canonicalTimeZone('Mars/Olympus') // undefined
 */
export function canonicalTimeZone(name: string): string | undefined {
  if (name.trim() === '') return undefined
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone
  } catch {
    return undefined
  }
}

function zoneOf(timeZone: string): Zone {
  let zone = zones.get(timeZone)
  if (zone === undefined) {
    const format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    zone = { format, slots: new Map() }
    zones.set(timeZone, zone)
  }
  return zone
}

/**
 * The offset of local time from UTC at an instant, in milliseconds (+3_600_000 for CET). Throws
 * a RangeError for an unknown zone.
 *
 * @example
 * zoneOffset(Date.UTC(2024, 6, 1), 'America/New_York') // -14_400_000 (EDT)
 */
export function zoneOffset(epochMs: number, timeZone: string): number {
  if (timeZone === 'UTC') return 0
  const zone = zoneOf(timeZone)
  const slot = Math.floor(epochMs / SLOT_MS)
  const cached = zone.slots.get(slot)
  if (cached !== undefined) return cached
  const start = slot * SLOT_MS
  const first = offsetFromParts(zone.format, start)
  const last = offsetFromParts(zone.format, start + SLOT_MS - 1)
  if (first !== last) return offsetFromParts(zone.format, epochMs)
  if (zone.slots.size >= MAX_CACHED_SLOTS) zone.slots.clear()
  zone.slots.set(slot, first)
  return first
}

function offsetFromParts(format: Intl.DateTimeFormat, epochMs: number): number {
  const whole = Math.floor(epochMs / 1000) * 1000
  let year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0
  let bc = false
  for (const part of format.formatToParts(whole)) {
    switch (part.type) {
      case 'year': year = Number(part.value); break
      case 'month': month = Number(part.value); break
      case 'day': day = Number(part.value); break
      case 'hour': hour = Number(part.value); break
      case 'minute': minute = Number(part.value); break
      case 'second': second = Number(part.value); break
      case 'era': bc = part.value.startsWith('B'); break
    }
  }
  if (bc) year = 1 - year
  const local = daysFromCivil(year, month, day) * MS_PER_DAY + ((hour * 60 + minute) * 60 + second) * 1000
  return local - whole
}

/**
 * The instant a local wall-clock time (given as milliseconds since 1970-01-01T00:00 local)
 * names in a zone. Ambiguous times (the repeated hour when clocks go back) give the earlier
 * instant; times in a gap (skipped when clocks go forward) give the instant the gap ends, so
 * the start of a day whose midnight is skipped is the first instant of that day.
 *
 * @example
 * localToInstant(Date.UTC(2024, 2, 10, 2, 30), 'America/New_York') // Date.UTC(2024, 2, 10, 7) (02:30 does not exist; 03:00 EDT)
 */
export function localToInstant(localMs: number, timeZone: string): number {
  if (timeZone === 'UTC') return localMs
  // The offsets a day either side bracket any transition near this wall time.
  const before = zoneOffset(localMs - MS_PER_DAY, timeZone)
  const after = zoneOffset(localMs + MS_PER_DAY, timeZone)
  const earlier = localMs - Math.max(before, after)
  const later = localMs - Math.min(before, after)
  if (zoneOffset(earlier, timeZone) + earlier === localMs) return earlier
  if (zoneOffset(later, timeZone) + later === localMs) return later
  // A gap: local time jumps past localMs at some instant in (localMs - after, localMs - before];
  // find that instant, the first whose local time is not before localMs.
  let low = localMs - Math.max(before, after)
  let high = localMs - Math.min(before, after)
  while (high - low > 1) {
    const middle = low + Math.floor((high - low) / 2)
    if (zoneOffset(middle, timeZone) + middle >= localMs) high = middle
    else low = middle
  }
  return high
}
