import { describe, expect, it } from 'vitest'
import { parseSchema } from '../schema/parse-schema.ts'
import type { ScalarField } from '../schema/types.ts'
import { statsFromFooter, StatsAccumulator, truncateMax, truncateMin } from './column-stats.ts'
import { prefetchRanges } from './prefetch-ranges.ts'

const column = (source: string): ScalarField => {
  const found = parseSchema('S', { c: source }).columns.find(c => c.name === 'c')
  if (found === undefined) throw new Error('no column')
  return found
}

describe('string bounds', () => {
  it('keeps short strings and cuts long ones into valid bounds', () => {
    expect(truncateMin('abc', 4)).toBe('abc')
    expect(truncateMax('abc', 4)).toBe('abc')
    expect(truncateMin('abcdef', 4)).toBe('abcd')
    expect(truncateMax('abcdef', 4)).toBe('abce')
    expect(truncateMax('ab\uffff\uffffzz', 4)).toBe('ac')
    expect(truncateMax('\uffff\uffff\uffff\uffffz', 4)).toBeUndefined()
    // Never half a surrogate pair in a min; a max that would split one jumps above all surrogates.
    expect(truncateMin('abc😀z', 4)).toBe('abc')
    expect(truncateMax('abc😀z', 4)).toBe('abc\ue000')
    expect(truncateMax('ab😀z', 4)).toBe('ab\ud83d\ude01')
    for (const text of ['abcdef', 'abc😀z', 'ab😀z', 'zzz\ud7ffq']) {
      expect(truncateMin(text, 4) <= text).toBe(true)
      expect((truncateMax(text, 4) ?? '') > text).toBe(true)
    }
  })

  it('cuts whole-file string stats to 64 code units', () => {
    const acc = new StatsAccumulator(column('string'))
    acc.add('b'.repeat(100))
    acc.add('a'.repeat(100))
    expect(acc.result()).toEqual({ min: 'a'.repeat(64), max: `${'b'.repeat(63)}c`, nullCount: 0 })
  })
})

describe('statsFromFooter', () => {
  it('converts footer statistics to the JSON-safe form', () => {
    expect(statsFromFooter(column('int'), { min_value: -3, max_value: 9, null_count: 2n })).toEqual({ min: -3, max: 9, nullCount: 2 })
    expect(statsFromFooter(column('bigint'), { min_value: -3n, max_value: 2n ** 62n, null_count: 0n })).toEqual({ min: '-3', max: String(2n ** 62n), nullCount: 0 })
    expect(statsFromFooter(column('timestamp'), { min_value: new Date(5), max_value: 7, null_count: 0n })).toEqual({ min: 5, max: 7, nullCount: 0 })
    expect(statsFromFooter(column('date'), { min_value: '2024-01-01', max_value: new Date(Date.UTC(2024, 1, 3)), null_count: 0n })).toEqual({ min: '2024-01-01', max: '2024-02-03', nullCount: 0 })
    expect(statsFromFooter(column('boolean'), { min_value: false, max_value: true, null_count: 1n })).toEqual({ min: false, max: true, nullCount: 1 })
  })

  it('widens decimals and drops string bounds JS would order differently', () => {
    const decimal = statsFromFooter(column('decimal(10,2)'), { min_value: 0.3, max_value: 12345678.99, null_count: 0n })
    expect(decimal?.min).toBeLessThan(0.3)
    expect(decimal?.max).toBeGreaterThan(12345678.99)
    expect(statsFromFooter(column('string'), { min_value: 'a', max_value: '😀', null_count: 0n })).toEqual({ nullCount: 0 })
    expect(statsFromFooter(column('string'), { min_value: 'a', max_value: 'zz', null_count: 0n })).toEqual({ min: 'a', max: 'zz', nullCount: 0 })
  })

  it('says nothing for variants, lists and missing statistics', () => {
    expect(statsFromFooter(column('variant'), { null_count: 0n })).toBeUndefined()
    expect(statsFromFooter(column('string[]'), { null_count: 0n })).toBeUndefined()
    expect(statsFromFooter(column('string'), undefined)).toBeUndefined()
    expect(statsFromFooter(column('string!'), undefined)).toEqual({ nullCount: 0 })
  })
})

describe('prefetchRanges', () => {
  it('fetches exactly the ranges and serves slices spanning gaps with zeros', async () => {
    const bytes = Uint8Array.from({ length: 100 }, (_, i) => i + 1)
    const asked: [number, number][] = []
    const file = { byteLength: 100, slice: (start: number, end = 100) => (asked.push([start, end]), bytes.slice(start, end).buffer) }
    const served = await prefetchRanges(file, [{ start: 60, end: 70 }, { start: 10, end: 20 }, { start: 20, end: 25 }])
    expect(asked).toEqual([[10, 25], [60, 70]])
    expect([...new Uint8Array(await served.slice(12, 14))]).toEqual([13, 14])
    const spanning = new Uint8Array(await served.slice(20, 65))
    expect(spanning.length).toBe(45)
    expect([...spanning.subarray(0, 5)]).toEqual([21, 22, 23, 24, 25])
    expect(spanning[10]).toBe(0)
    expect([...spanning.subarray(40)]).toEqual([61, 62, 63, 64, 65])
    expect(asked).toHaveLength(2)
    await served.slice(80, 90)
    expect(asked).toEqual([[10, 25], [60, 70], [80, 90]])
  })
})
