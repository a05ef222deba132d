import { describe, expect, it } from 'vitest'
import { ParqueDBError } from '../../errors.ts'
import { parseRefresh } from './parse-refresh.ts'

function failure(refresh: unknown): { message: string; details: Readonly<Record<string, unknown>> } {
  try {
    parseRefresh('V', refresh)
  } catch (error) {
    if (ParqueDBError.isInstance(error, 'SCHEMA')) return { message: error.message, details: error.details }
    throw error
  }
  throw new Error('expected parseRefresh to throw')
}

describe('parseRefresh', () => {
  it("defaults to streaming", () => {
    expect(parseRefresh('V', undefined)).toEqual({ mode: 'streaming' })
    expect(parseRefresh('V', {})).toEqual({ mode: 'streaming' })
    expect(Object.isFrozen(parseRefresh('V', {}))).toBe(true)
  })

  it('reads the documented forms', () => {
    expect(parseRefresh('V', { mode: 'scheduled', schedule: '0 * * * *', timezone: 'UTC', strategy: 'replace' })).toEqual({
      mode: 'scheduled',
      schedule: '0 * * * *',
      timeZone: 'UTC',
      strategy: 'replace',
    })
    expect(parseRefresh('V', { mode: 'scheduled', schedule: '0 * * * *', gracePeriod: '15m' })).toEqual({
      mode: 'scheduled',
      schedule: '0 * * * *',
      strategy: 'replace',
      gracePeriodMs: 900_000,
    })
    expect(parseRefresh('V', { mode: 'manual' })).toEqual({ mode: 'manual', strategy: 'replace' })
    expect(parseRefresh('V', { mode: 'manual', strategy: 'append' })).toEqual({ mode: 'manual', strategy: 'append' })
    expect(parseRefresh('V', { mode: 'streaming', gracePeriod: '30s', timezone: 'europe/berlin' })).toEqual({ mode: 'streaming', gracePeriodMs: 30_000, timeZone: 'Europe/Berlin' })
  })

  it('names the key at fault', () => {
    expect(failure('hourly').message).toBe(`[parquedb] view "V": $refresh: expected an object such as { mode: 'scheduled', schedule: '0 * * * *' }, got "hourly"`)
    expect(failure({ mode: 'streaming', backend: 'iceberg' }).message).toBe(
      '[parquedb] view "V": $refresh.backend: unknown key (expected mode, schedule, timezone, strategy, gracePeriod)',
    )
    expect(failure({ mode: 'hourly' }).message).toBe(`[parquedb] view "V": $refresh.mode: expected 'streaming', 'scheduled', 'manual', got "hourly"`)
    expect(failure({ mode: 'scheduled' }).message).toBe(`[parquedb] view "V": $refresh.schedule: mode 'scheduled' needs a schedule, a cron string such as '0 * * * *'`)
    expect(failure({ mode: 'scheduled', schedule: ' ' }).message).toBe(`[parquedb] view "V": $refresh.schedule: expected a cron string such as '0 * * * *', got " "`)
    expect(failure({ schedule: '0 * * * *' }).message).toBe(`[parquedb] view "V": $refresh.schedule: only applies to mode 'scheduled' (this view's mode is 'streaming')`)
    expect(failure({ mode: 'manual', timezone: 'Mars/Olympus' }).message).toBe(
      `[parquedb] view "V": $refresh.timezone: expected an IANA time zone such as 'UTC' or 'Europe/Berlin', got "Mars/Olympus"`,
    )
    expect(failure({ strategy: 'append' }).message).toBe(
      '[parquedb] view "V": $refresh.strategy: only applies to scheduled and manual refreshes; a streaming view is maintained row by row',
    )
    expect(failure({ mode: 'manual', strategy: 'merge' }).message).toBe(`[parquedb] view "V": $refresh.strategy: expected 'replace' or 'append', got "merge"`)
    expect(failure({ gracePeriod: 900 }).message).toBe(`[parquedb] view "V": $refresh.gracePeriod: expected a duration such as '30s', '15m', '1h' or '2d', got 900`)
    expect(failure({ gracePeriod: '15 minutes' }).details).toEqual({ view: 'V', directive: '$refresh', key: 'gracePeriod' })
  })
})
