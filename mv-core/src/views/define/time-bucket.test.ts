import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { bucketEnd, bucketOf, bucketStartMillis, bucketStartReader, calendarDay, truncateToBucket, type TruncateUnit } from './time-bucket.ts'
import { zoneOffset } from './zone-offset.ts'

const NY = 'America/New_York'
const BERLIN = 'Europe/Berlin'
const at = (iso: string) => new Date(iso)
const iso = (date: Date) => date.toISOString()

describe('truncateToBucket in UTC', () => {
  it('cuts minutes, hours, days', () => {
    const t = at('2024-01-15T10:17:45.123Z')
    expect(iso(truncateToBucket(t, 'minute'))).toBe('2024-01-15T10:17:00.000Z')
    expect(iso(truncateToBucket(t, 'hour'))).toBe('2024-01-15T10:00:00.000Z')
    expect(iso(truncateToBucket(t, 'day'))).toBe('2024-01-15T00:00:00.000Z')
    expect(iso(truncateToBucket(t.getTime(), 'day', 'UTC'))).toBe('2024-01-15T00:00:00.000Z')
  })

  it('starts weeks on Monday, like DuckDB date_trunc', () => {
    expect(iso(truncateToBucket(at('2024-01-15T00:00:00Z'), 'week'))).toBe('2024-01-15T00:00:00.000Z') // Monday
    expect(iso(truncateToBucket(at('2024-01-17T10:00:00Z'), 'week'))).toBe('2024-01-15T00:00:00.000Z') // Wednesday
    expect(iso(truncateToBucket(at('2024-01-21T23:59:59.999Z'), 'week'))).toBe('2024-01-15T00:00:00.000Z') // Sunday
    expect(iso(truncateToBucket(at('2024-01-14T23:59:59.999Z'), 'week'))).toBe('2024-01-08T00:00:00.000Z')
    // Across a year boundary, and before 1970 (1969-12-29 was a Monday).
    expect(iso(truncateToBucket(at('2025-01-01T12:00:00Z'), 'week'))).toBe('2024-12-30T00:00:00.000Z')
    expect(iso(truncateToBucket(at('1970-01-01T00:00:00Z'), 'week'))).toBe('1969-12-29T00:00:00.000Z')
  })

  it('starts months on the 1st, leap years included', () => {
    expect(iso(truncateToBucket(at('2024-02-29T23:59:59Z'), 'month'))).toBe('2024-02-01T00:00:00.000Z')
    expect(iso(truncateToBucket(at('2024-03-01T00:00:00Z'), 'month'))).toBe('2024-03-01T00:00:00.000Z')
    expect(iso(truncateToBucket(at('1969-12-31T12:00:00Z'), 'month'))).toBe('1969-12-01T00:00:00.000Z')
  })
})

describe('truncateToBucket across DST in America/New_York', () => {
  // 2024-03-10: 02:00 EST becomes 03:00 EDT (07:00Z). 2024-11-03: 02:00 EDT becomes 01:00 EST (06:00Z).
  it('gives the 23-hour spring day and the 25-hour autumn day', () => {
    const spring = truncateToBucket(at('2024-03-10T12:00:00Z'), 'day', NY)
    expect(iso(spring)).toBe('2024-03-10T05:00:00.000Z')
    expect(iso(bucketEnd(spring, 'day', NY))).toBe('2024-03-11T04:00:00.000Z')
    const autumn = truncateToBucket(at('2024-11-03T20:00:00Z'), 'day', NY)
    expect(iso(autumn)).toBe('2024-11-03T04:00:00.000Z')
    expect(iso(bucketEnd(autumn, 'day', NY))).toBe('2024-11-04T05:00:00.000Z')
  })

  it('cuts hours by the local clock on both sides of a change', () => {
    expect(iso(truncateToBucket(at('2024-03-10T06:59:00Z'), 'hour', NY))).toBe('2024-03-10T06:00:00.000Z') // 01:59 EST
    expect(iso(truncateToBucket(at('2024-03-10T07:30:00Z'), 'hour', NY))).toBe('2024-03-10T07:00:00.000Z') // 03:30 EDT
    // The two 01:00 hours of the autumn night are two buckets.
    expect(iso(truncateToBucket(at('2024-11-03T05:30:00Z'), 'hour', NY))).toBe('2024-11-03T05:00:00.000Z') // 01:30 EDT
    expect(iso(truncateToBucket(at('2024-11-03T06:30:00Z'), 'hour', NY))).toBe('2024-11-03T06:00:00.000Z') // 01:30 EST
  })

  it('starts weeks and months at local midnight, whatever the offset', () => {
    expect(iso(truncateToBucket(at('2024-03-13T12:00:00Z'), 'week', NY))).toBe('2024-03-11T04:00:00.000Z') // Monday after the change: EDT
    expect(iso(truncateToBucket(at('2024-03-10T12:00:00Z'), 'week', NY))).toBe('2024-03-04T05:00:00.000Z') // the Sunday of the change: EST Monday
    expect(iso(truncateToBucket(at('2024-11-15T12:00:00Z'), 'month', NY))).toBe('2024-11-01T04:00:00.000Z') // Nov 1 was still EDT
    expect(iso(truncateToBucket(at('2024-12-01T04:59:59Z'), 'month', NY))).toBe('2024-11-01T04:00:00.000Z') // 23:59:59 EST on Nov 30
    expect(iso(truncateToBucket(at('2024-12-01T05:00:00Z'), 'month', NY))).toBe('2024-12-01T05:00:00.000Z')
  })
})

describe('truncateToBucket across DST in Europe/Berlin', () => {
  // 2024-03-31: 02:00 CET becomes 03:00 CEST (01:00Z). 2024-10-27: 03:00 CEST becomes 02:00 CET (01:00Z).
  it('cuts days, weeks and months at Berlin midnight', () => {
    expect(iso(truncateToBucket(at('2024-03-31T12:00:00Z'), 'day', BERLIN))).toBe('2024-03-30T23:00:00.000Z')
    expect(iso(bucketEnd(at('2024-03-30T23:00:00Z'), 'day', BERLIN))).toBe('2024-03-31T22:00:00.000Z')
    expect(iso(bucketEnd(at('2024-10-26T22:00:00Z'), 'day', BERLIN))).toBe('2024-10-27T23:00:00.000Z')
    expect(iso(truncateToBucket(at('2024-03-31T12:00:00Z'), 'week', BERLIN))).toBe('2024-03-24T23:00:00.000Z')
    expect(iso(truncateToBucket(at('2024-03-31T22:30:00Z'), 'week', BERLIN))).toBe('2024-03-31T22:00:00.000Z') // Monday 00:30 CEST
    expect(iso(truncateToBucket(at('2024-04-15T12:00:00Z'), 'month', BERLIN))).toBe('2024-03-31T22:00:00.000Z')
    expect(iso(truncateToBucket(at('2024-11-15T12:00:00Z'), 'month', BERLIN))).toBe('2024-10-31T23:00:00.000Z')
    expect(iso(truncateToBucket(at('2024-10-31T22:59:59Z'), 'month', BERLIN))).toBe('2024-09-30T22:00:00.000Z')
  })

  it('cuts hours around the changes', () => {
    expect(iso(truncateToBucket(at('2024-03-31T00:59:00Z'), 'hour', BERLIN))).toBe('2024-03-31T00:00:00.000Z') // 01:59 CET
    expect(iso(truncateToBucket(at('2024-03-31T01:00:00Z'), 'hour', BERLIN))).toBe('2024-03-31T01:00:00.000Z') // 03:00 CEST
    expect(iso(truncateToBucket(at('2024-10-27T00:45:00Z'), 'hour', BERLIN))).toBe('2024-10-27T00:00:00.000Z') // 02:45 CEST
    expect(iso(truncateToBucket(at('2024-10-27T01:45:00Z'), 'hour', BERLIN))).toBe('2024-10-27T01:00:00.000Z') // 02:45 CET
  })
})

describe('truncateToBucket in other zones', () => {
  it('starts a day whose midnight is skipped at its first instant (Sao Paulo, 2018-11-04 00:00 → 01:00)', () => {
    expect(iso(truncateToBucket(at('2018-11-04T12:00:00Z'), 'day', 'America/Sao_Paulo'))).toBe('2018-11-04T03:00:00.000Z')
    expect(iso(bucketEnd(at('2018-11-03T03:00:00Z'), 'day', 'America/Sao_Paulo'))).toBe('2018-11-04T03:00:00.000Z')
  })

  it('cuts hours of a half-hour zone at its own hour boundaries', () => {
    expect(iso(truncateToBucket(at('2024-01-15T10:17:45Z'), 'hour', 'Asia/Kolkata'))).toBe('2024-01-15T09:30:00.000Z')
  })

  it('starts each hour at its first instant where clocks move by half an hour (Lord Howe)', () => {
    const zone = 'Australia/Lord_Howe'
    // 2024-04-07 02:00 +11 became 01:30 +10:30 at 15:00Z: the hour begun at 14:00Z ends there,
    // and the half hour of 01:30-02:00 that follows is a bucket of its own, starting at 15:00Z.
    expect(iso(truncateToBucket(at('2024-04-06T14:59:59Z'), 'hour', zone))).toBe('2024-04-06T14:00:00.000Z')
    expect(iso(bucketEnd(at('2024-04-06T14:00:00Z'), 'hour', zone))).toBe('2024-04-06T15:00:00.000Z')
    expect(iso(truncateToBucket(at('2024-04-06T15:29:00Z'), 'hour', zone))).toBe('2024-04-06T15:00:00.000Z')
    expect(iso(bucketEnd(at('2024-04-06T15:00:00Z'), 'hour', zone))).toBe('2024-04-06T15:30:00.000Z')
    // 2024-10-06 02:00 +10:30 became 02:30 +11 at 15:30Z: the hour begun at 14:30Z ends there.
    expect(iso(truncateToBucket(at('2024-10-05T15:20:00Z'), 'hour', zone))).toBe('2024-10-05T14:30:00.000Z')
    expect(iso(truncateToBucket(at('2024-10-05T15:40:00Z'), 'hour', zone))).toBe('2024-10-05T15:30:00.000Z')
    expect(iso(bucketEnd(at('2024-10-05T15:30:00Z'), 'hour', zone))).toBe('2024-10-05T16:00:00.000Z')
  })

  it('skips a day a zone removed (Samoa went from Dec 29 to Dec 31, 2011)', () => {
    const dec29 = truncateToBucket(at('2011-12-29T12:00:00Z'), 'day', 'Pacific/Apia')
    expect(iso(dec29)).toBe('2011-12-29T10:00:00.000Z')
    expect(iso(bucketEnd(dec29, 'day', 'Pacific/Apia'))).toBe('2011-12-30T10:00:00.000Z')
    expect(calendarDay(at('2011-12-30T10:00:00Z'), 'Pacific/Apia')).toBe('2011-12-31')
  })

  it('keeps local mean time offsets with seconds (Berlin before 1893)', () => {
    expect(iso(truncateToBucket(at('1890-06-15T12:00:00Z'), 'month', BERLIN))).toBe('1890-05-31T23:06:32.000Z')
  })
})

describe('calendarDay', () => {
  it('is the local calendar day', () => {
    expect(calendarDay(at('2024-01-15T23:30:00Z'), BERLIN)).toBe('2024-01-16')
    expect(calendarDay(at('2024-01-15T03:30:00Z'), NY)).toBe('2024-01-14')
    expect(calendarDay(at('2024-01-15T23:59:59.999Z'))).toBe('2024-01-15')
    expect(calendarDay(at('1969-12-31T23:59:59.999Z'))).toBe('1969-12-31')
  })
})

describe('bucketOf', () => {
  it('reads Dates, epoch milliseconds and ISO strings as instants', () => {
    expect(bucketOf(at('2024-01-15T10:17:00Z'), 'hour', 'UTC')).toEqual(at('2024-01-15T10:00:00Z'))
    expect(bucketOf(Date.parse('2024-01-15T10:17:00Z'), 'hour', 'UTC')).toEqual(at('2024-01-15T10:00:00Z'))
    expect(bucketOf(BigInt(Date.parse('2024-01-15T10:17:00Z')), 'hour', 'UTC')).toEqual(at('2024-01-15T10:00:00Z'))
    expect(bucketOf('2024-01-15T10:17:00+02:00', 'hour', 'UTC')).toEqual(at('2024-01-15T08:00:00Z'))
    expect(bucketOf(at('2024-01-15T23:30:00Z'), 'date', BERLIN)).toBe('2024-01-16')
  })

  it("reads 'YYYY-MM-DD' as a calendar day of the zone, not as UTC midnight", () => {
    expect(bucketOf('2024-01-17', 'week', 'UTC')).toEqual(at('2024-01-15T00:00:00Z'))
    expect(bucketOf('2024-01-17', 'week', NY)).toEqual(at('2024-01-15T05:00:00Z'))
    expect(bucketOf('2024-01-17', 'month', BERLIN)).toEqual(at('2023-12-31T23:00:00Z'))
    expect(bucketOf('2024-01-17', 'hour', NY)).toEqual(at('2024-01-17T05:00:00Z'))
    expect(bucketOf('2024-01-17', 'date', NY)).toBe('2024-01-17')
  })

  it('gives null for anything that is not a time', () => {
    for (const value of [null, undefined, 'soon', '2024-02-30', 1.5, true, {}, new Date(Number.NaN), 10n ** 20n, 1e20]) {
      expect(bucketOf(value, 'day', 'UTC')).toBeNull()
    }
  })
})

describe('bucket properties', () => {
  const zones = ['UTC', NY, BERLIN, 'Asia/Kolkata', 'Australia/Lord_Howe', 'America/Sao_Paulo', 'Pacific/Chatham']
  const units: readonly TruncateUnit[] = ['minute', 'hour', 'day', 'week', 'month']
  const instant = fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2040, 0, 1) })

  it('a bucket holds its instant, starts at its own start, and ends where the next begins', () => {
    fc.assert(
      fc.property(instant, fc.constantFrom(...zones), fc.constantFrom(...units), (ms, zone, unit) => {
        const start = truncateToBucket(ms, unit, zone).getTime()
        const end = bucketEnd(start, unit, zone).getTime()
        expect(start).toBeLessThanOrEqual(ms)
        expect(end).toBeGreaterThan(ms)
        expect(truncateToBucket(start, unit, zone).getTime()).toBe(start)
        expect(truncateToBucket(end - 1, unit, zone).getTime()).toBe(start)
      }),
      { numRuns: 2000 },
    )
  })

  it('days, weeks and months start at local midnight (or the first instant of the day), on Mondays and 1sts', () => {
    fc.assert(
      fc.property(instant, fc.constantFrom(...zones), fc.constantFrom<TruncateUnit>('day', 'week', 'month'), (ms, zone, unit) => {
        const start = truncateToBucket(ms, unit, zone).getTime()
        const day = calendarDay(start, zone)
        // The instant before the start is on an earlier local day.
        expect(calendarDay(start - 1, zone) < day).toBe(true)
        if (unit === 'week') expect(new Date(`${day}T00:00:00Z`).getUTCDay()).toBe(1)
        if (unit === 'month') expect(day.endsWith('-01')).toBe(true)
        expect(day <= calendarDay(ms, zone)).toBe(true)
      }),
      { numRuns: 2000 },
    )
  })

  it('UTC buckets match plain arithmetic', () => {
    fc.assert(
      fc.property(instant, (ms) => {
        expect(truncateToBucket(ms, 'hour', 'UTC').getTime()).toBe(ms - (ms % 3_600_000))
        expect(truncateToBucket(ms, 'day', 'UTC').getTime()).toBe(ms - (ms % 86_400_000))
        expect(zoneOffset(ms, 'UTC')).toBe(0)
      }),
    )
  })
})

describe('bucketStartMillis', () => {
  it('is bucketOf as epoch milliseconds, for Dates, numbers, ISO texts and calendar days', () => {
    const units: TruncateUnit[] = ['minute', 'hour', 'day', 'week', 'month']
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2060, 0, 1) }),
        fc.constantFrom(...units),
        fc.constantFrom('UTC', NY, BERLIN, 'Asia/Kolkata'),
        fc.constantFrom('date', 'number', 'iso', 'day'),
        (ms, unit, zone, form) => {
          const value = form === 'date' ? new Date(ms) : form === 'number' ? ms : form === 'iso' ? new Date(ms).toISOString() : new Date(ms).toISOString().slice(0, 10)
          expect(bucketStartMillis(value, unit, zone)).toBe((bucketOf(value, unit, zone) as Date).getTime())
          expect(bucketStartReader(unit, zone)(value)).toBe(bucketStartMillis(value, unit, zone))
        },
      ),
    )
    expect(bucketStartMillis(null, 'hour', 'UTC')).toBeNull()
    expect(bucketStartReader('hour', 'UTC')(-1)).toBe(-3_600_000)
    expect(Object.is(bucketStartReader('day', 'UTC')(-0), 0)).toBe(true)
    expect(bucketStartMillis('2024-02-30', 'day', 'UTC')).toBeNull()
  })
})
