import { describe, expect, it } from 'vitest'
import { parseDuration } from './parse-duration.ts'

describe('parseDuration', () => {
  it('reads amounts with units', () => {
    expect(parseDuration('30s')).toBe(30_000)
    expect(parseDuration('15m')).toBe(900_000)
    expect(parseDuration('1h')).toBe(3_600_000)
    expect(parseDuration('2d')).toBe(172_800_000)
    expect(parseDuration('1w')).toBe(604_800_000)
    expect(parseDuration('500ms')).toBe(500)
    expect(parseDuration('1h30m')).toBe(5_400_000)
    expect(parseDuration('0s')).toBe(0)
  })

  it('rejects anything else', () => {
    for (const text of ['', '15', 'm', '15 m', '1.5h', '-1h', '15min', '1H', 'h1', '1h 30m', `${'9'.repeat(30)}d`]) {
      expect(parseDuration(text), text).toBeUndefined()
    }
  })
})
