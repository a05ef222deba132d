import { describe, expect, it } from 'vitest'
import { canonicalTimeZone, localToInstant, zoneOffset } from './zone-offset.ts'

const HOUR = 3_600_000

describe('canonicalTimeZone', () => {
  it('accepts IANA names and gives their canonical spelling', () => {
    expect(canonicalTimeZone('Europe/Berlin')).toBe('Europe/Berlin')
    expect(canonicalTimeZone('UTC')).toBe('UTC')
    expect(canonicalTimeZone('europe/berlin')).toBe('Europe/Berlin')
  })

  it('rejects what Intl does not know', () => {
    expect(canonicalTimeZone('Mars/Olympus')).toBeUndefined()
    expect(canonicalTimeZone('')).toBeUndefined()
    expect(canonicalTimeZone('  ')).toBeUndefined()
  })
})

describe('zoneOffset', () => {
  it('follows standard and summer time', () => {
    expect(zoneOffset(Date.UTC(2024, 0, 15), 'America/New_York')).toBe(-5 * HOUR)
    expect(zoneOffset(Date.UTC(2024, 6, 15), 'America/New_York')).toBe(-4 * HOUR)
    expect(zoneOffset(Date.UTC(2024, 0, 15), 'Europe/Berlin')).toBe(HOUR)
    expect(zoneOffset(Date.UTC(2024, 6, 15), 'Europe/Berlin')).toBe(2 * HOUR)
    expect(zoneOffset(Date.UTC(2024, 0, 15), 'Asia/Kolkata')).toBe(5.5 * HOUR)
  })

  it('changes exactly at the transition instant', () => {
    const change = Date.UTC(2024, 2, 10, 7) // 02:00 EST → 03:00 EDT
    expect(zoneOffset(change - 1, 'America/New_York')).toBe(-5 * HOUR)
    expect(zoneOffset(change, 'America/New_York')).toBe(-4 * HOUR)
  })

  it('is the same whether or not the slot was cached', () => {
    const t = Date.UTC(2031, 4, 5, 6, 7, 8)
    const first = zoneOffset(t, 'Europe/Berlin')
    expect(zoneOffset(t + 1, 'Europe/Berlin')).toBe(first)
    expect(zoneOffset(t, 'Europe/Berlin')).toBe(2 * HOUR)
  })
})

describe('localToInstant', () => {
  it('maps ordinary wall times', () => {
    expect(localToInstant(Date.UTC(2024, 0, 15, 9), 'Europe/Berlin')).toBe(Date.UTC(2024, 0, 15, 8))
    expect(localToInstant(Date.UTC(2024, 0, 15, 9), 'UTC')).toBe(Date.UTC(2024, 0, 15, 9))
  })

  it('gives the earlier instant of a repeated wall time', () => {
    expect(localToInstant(Date.UTC(2024, 10, 3, 1, 30), 'America/New_York')).toBe(Date.UTC(2024, 10, 3, 5, 30))
  })

  it('gives the end of the gap for a skipped wall time', () => {
    expect(localToInstant(Date.UTC(2024, 2, 10, 2, 30), 'America/New_York')).toBe(Date.UTC(2024, 2, 10, 7))
    expect(localToInstant(Date.UTC(2018, 10, 4), 'America/Sao_Paulo')).toBe(Date.UTC(2018, 10, 4, 3))
  })
})
