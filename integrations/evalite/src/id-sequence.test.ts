import { describe, expect, it } from 'vitest'
import { runIdSequence, wideIdSequence } from './id-sequence.ts'

describe('id sequences', () => {
  const frozen = () => Date.UTC(2030, 0, 1)

  it('keeps two writers on one clock apart by their lanes, and each strictly increasing', () => {
    const first = wideIdSequence({ now: frozen, lane: 1 })
    const second = wideIdSequence({ now: frozen, lane: 2 })
    const a = Array.from({ length: 1000 }, () => first.next())
    const b = Array.from({ length: 1000 }, () => second.next())
    expect(new Set([...a, ...b]).size).toBe(2000)
    expect(a.every((id, index) => index === 0 || id > a[index - 1]!)).toBe(true)
    expect([...a, ...b].every(Number.isSafeInteger)).toBe(true)
  })

  it('starts past an id already stored, even one from a clock that ran ahead', () => {
    const ahead = wideIdSequence({ now: () => frozen() + 60_000, lane: 7 }).next()
    const behind = wideIdSequence({ now: frozen, lane: 7 })
    behind.observe(ahead)
    expect(behind.next()).toBeGreaterThan(ahead)
  })

  it('fits run ids in the 32-bit runId column and continues past stored ones', () => {
    const runs = runIdSequence({ now: () => Date.UTC(2091, 11, 31) })
    const first = runs.next()
    expect(first).toBeLessThanOrEqual(2 ** 31 - 1)
    runs.observe(first + 10)
    expect(runs.next()).toBe(first + 11)
    expect(runs.next()).toBe(first + 12)
  })
})
