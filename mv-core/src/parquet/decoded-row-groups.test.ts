import { describe, expect, it } from 'vitest'
import type { ColumnBatch } from './decode.ts'
import { decodedRowGroupCache } from './decoded-row-groups.ts'

const batch = (rows: number): ColumnBatch => ({ rowCount: rows, columns: { $id: Array.from({ length: rows }, (_, index) => `r${index}`), at: Array.from({ length: rows }, () => new Date(0)) } } as unknown as ColumnBatch)

describe('decodedRowGroupCache', () => {
  it('hands lists out as copies of their own', () => {
    const file = decodedRowGroupCache(1000).forFile('a.parquet')!
    file.set(0, 'shape', { rowCount: 1, columns: { tags: [['a', new Date(0)]] } } as unknown as ColumnBatch)
    const first = file.get(0, 'shape')!.columns.tags as unknown[][]
    first[0]!.push('b')
    ;(first[0]![1] as Date).setTime(9)
    expect(file.get(0, 'shape')!.columns.tags).toEqual([['a', new Date(0)]])
  })

  it('hands kept row groups out again, with Dates of their own', () => {
    const cache = decodedRowGroupCache(1000)
    const file = cache.forFile('a.parquet')!
    file.set(0, 'shape', batch(10))
    const first = file.get(0, 'shape')!
    ;(first.columns.at as Date[])[0]!.setTime(5)
    expect((file.get(0, 'shape')!.columns.at as Date[])[0]!.getTime()).toBe(0)
    expect(file.get(0, 'other shape')).toBeUndefined()
    expect(cache.forFile('b.parquet')!.get(0, 'shape')).toBeUndefined()
  })

  it('stays within its budget, least recently used out first, and forgets removed files', () => {
    const cache = decodedRowGroupCache(100)
    const file = cache.forFile('a.parquet')!
    for (const group of [0, 1, 2, 3]) file.set(group, 's', batch(12)) // 24 values each: 96
    file.get(0, 's')
    file.set(4, 's', batch(12)) // 120 > 100: group 1, least recently used, goes
    expect(file.get(1, 's')).toBeUndefined()
    expect(file.get(0, 's')).toBeDefined()
    file.set(5, 's', batch(13)) // 26 values, over a quarter of the room: not kept
    expect(file.get(5, 's')).toBeUndefined()
    cache.forget('a.parquet')
    expect(file.get(0, 's')).toBeUndefined()
    expect(decodedRowGroupCache(0).forFile('a.parquet')).toBeUndefined()
  })
})
