import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Row } from '../schema/types.ts'
import { sortRows, topK } from './sort-rows.ts'
import { badFilterError } from './test-fixtures.ts'
import type { SortSpec } from './types.ts'

const rows: Row[] = [
  { $id: 'a', n: 3, s: 'x', e: { t: 2 } },
  { $id: 'b', n: null, s: 'y', e: { t: 1 } },
  { $id: 'c', n: 1, s: 'x', e: null },
  { $id: 'd', n: 3, s: 'w', e: { t: 3 } },
  { $id: 'e', s: 'y', e: { t: 1 } },
]
const ids = (list: readonly Row[]) => list.map((row) => row.$id)

describe('sortRows', () => {
  it('sorts ascending with null and missing first, descending with them last', () => {
    expect(ids(sortRows(rows, { n: 1 }))).toEqual(['b', 'e', 'c', 'a', 'd'])
    expect(ids(sortRows(rows, { n: -1 }))).toEqual(['a', 'd', 'c', 'b', 'e'])
  })

  it('is stable and uses keys in order', () => {
    expect(ids(sortRows(rows, { s: 1 }))).toEqual(['d', 'a', 'c', 'b', 'e'])
    expect(ids(sortRows(rows, { s: 1, n: -1 }))).toEqual(['d', 'a', 'c', 'b', 'e'])
    expect(ids(sortRows(rows, { s: -1, $id: -1 }))).toEqual(['e', 'b', 'c', 'a', 'd'])
  })

  it('reads dotted paths', () => {
    expect(ids(sortRows(rows, { 'e.t': 1, $id: 1 }))).toEqual(['c', 'b', 'e', 'a', 'd'])
  })

  it('orders mixed types by bracket and Dates by instant', () => {
    const mixed: Row[] = [{ v: 'a' }, { v: new Date(5) }, { v: 2n }, { v: true }, { v: 1.5 }, { v: null }, { v: [1] }, { v: new Date(1) }]
    expect(sortRows(mixed, { v: 1 }).map((row) => row.v)).toEqual([null, 1.5, 2n, 'a', true, new Date(1), new Date(5), [1]])
  })

  it('returns a copy and keeps the input order for an empty spec', () => {
    const sorted = sortRows(rows, {})
    expect(sorted).not.toBe(rows)
    expect(ids(sorted)).toEqual(ids(rows))
    sortRows(rows, { n: 1 })
    expect(ids(rows)).toEqual(['a', 'b', 'c', 'd', 'e'])
  })

  it.each([
    [{ n: 2 }, /sort: field "n" has direction 2; use 1 \(ascending\) or -1 \(descending\)/],
    [{ n: 'asc' }, /sort: field "n" has direction "asc"/],
    [{ '': 1 }, /sort: invalid field path ""/],
    [{ 'a..b': 1 }, /sort: invalid field path "a\.\.b"/],
    [['n'], /sort must be an object like \{ field: 1 \}, got array/],
  ])('rejects %o', (sort, message) => {
    const error = badFilterError(() => sortRows(rows, sort as unknown as SortSpec, 'collection "X"'))
    expect(error.message).toMatch(message)
    expect(error.message).toContain('collection "X"')
  })
})

describe('topK', () => {
  it('keeps the best k rows in order, ties by arrival', () => {
    expect(ids(topK(rows, { n: -1 }, 2))).toEqual(['a', 'd'])
    expect(ids(topK(rows, { s: 1 }, 3))).toEqual(['d', 'a', 'c'])
    expect(ids(topK(rows, { s: -1 }, 1))).toEqual(['b'])
  })

  it('handles k = 0, k beyond the input, an empty sort and any iterable', () => {
    expect(topK(rows, { n: 1 }, 0)).toEqual([])
    expect(ids(topK(rows, { n: 1 }, 99))).toEqual(ids(sortRows(rows, { n: 1 })))
    expect(ids(topK(rows, { n: 1 }, Number.POSITIVE_INFINITY))).toEqual(ids(sortRows(rows, { n: 1 })))
    expect(ids(topK(rows, {}, 2))).toEqual(['a', 'b'])
    function* generate() {
      yield* rows
    }
    expect(ids(topK(generate(), { n: 1 }, 2))).toEqual(['b', 'e'])
  })

  it('stops reading an unsorted iterable after k rows', () => {
    let read = 0
    function* counted() {
      for (const row of rows) {
        read++
        yield row
      }
    }
    topK(counted(), {}, 2)
    expect(read).toBe(2)
  })

  it('rejects a bad k or sort', () => {
    expect(badFilterError(() => topK(rows, { n: 1 }, -1)).message).toMatch(/top-k size must be a non-negative integer, got -1/)
    expect(badFilterError(() => topK(rows, { n: 1 }, 1.5)).message).toMatch(/got 1\.5/)
    expect(badFilterError(() => topK(rows, { n: 0 } as unknown as SortSpec, 1)).message).toMatch(/field "n" has direction 0/)
  })

  it('equals sortRows(...).slice(0, k) (property)', () => {
    const value = fc.oneof(fc.constantFrom<unknown>(null, undefined, 'a', 'b', true, new Date(3)), fc.integer({ min: -3, max: 3 }), fc.bigInt({ min: -3n, max: 3n }))
    const row = fc.record({ a: value, b: value, c: fc.record({ d: value }, { requiredKeys: [] }) }, { requiredKeys: [] })
    const spec = fc
      .uniqueArray(fc.constantFrom('a', 'b', 'c.d'), { minLength: 0, maxLength: 3 })
      .chain((fields) => fc.tuple(...fields.map((field) => fc.tuple(fc.constant(field), fc.constantFrom<1 | -1>(1, -1)))))
      .map((entries) => Object.fromEntries(entries) as SortSpec)
    fc.assert(
      fc.property(fc.array(row, { maxLength: 60 }), spec, fc.nat(70), (input, sort, k) => {
        const tagged = input.map((r, index) => ({ ...r, index }))
        const expected = sortRows(tagged, sort).slice(0, k)
        expect(topK(tagged, sort, k).map((r) => r.index)).toEqual(expected.map((r) => r.index))
      }),
      { numRuns: 1000 },
    )
  })
})
