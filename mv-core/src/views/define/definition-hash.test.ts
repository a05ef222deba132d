import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { canonicalJson } from './canonical-json.ts'
import { definitionHash, fnv1a64 } from './definition-hash.ts'
import { seedViews } from './test-fixtures.ts'

/** The same value with every object's keys in another order. */
function reorder(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((item) => reorder(item, seed))
  if (typeof value !== 'object' || value === null || value instanceof Date || value instanceof RegExp) return value
  const entries = Object.entries(value)
  const shuffled = entries.map((entry, index) => ({ entry, rank: (index * 7919 + seed) % (entries.length + 3) }))
  shuffled.sort((a, b) => a.rank - b.rank)
  return Object.fromEntries(shuffled.map(({ entry: [key, item] }) => [key, reorder(item, seed + 1)]))
}

describe('fnv1a64', () => {
  it('matches the reference vectors', () => {
    expect(fnv1a64('')).toBe('cbf29ce484222325')
    expect(fnv1a64('a')).toBe('af63dc4c8601ec8c')
    expect(fnv1a64('foobar')).toBe('85944171f73967e8')
  })

  it('hashes UTF-8 bytes', () => {
    const ofBytes = (bytes: readonly number[]) => {
      let hash = 0xcbf29ce484222325n
      for (const byte of bytes) hash = ((hash ^ BigInt(byte)) * 0x100000001b3n) & 0xffffffffffffffffn
      return hash.toString(16).padStart(16, '0')
    }
    expect(fnv1a64('é')).toBe(ofBytes([0xc3, 0xa9]))
    expect(fnv1a64('€')).toBe(ofBytes([0xe2, 0x82, 0xac]))
    expect(fnv1a64('😀')).toBe(ofBytes([0xf0, 0x9f, 0x98, 0x80]))
  })
})

describe('canonicalJson', () => {
  it('sorts keys and drops undefined properties', () => {
    expect(canonicalJson({ b: 1, a: [true, null, undefined], c: undefined })).toBe('{"a":[true,null,null],"b":1}')
  })

  it('tells apart values JSON would conflate', () => {
    const texts = [new Date(0), new Date(0).toISOString(), 1n, '1', 1, /a/i, { a: 'i' }, Number.NaN, null, Number.POSITIVE_INFINITY].map(canonicalJson)
    expect(new Set(texts).size).toBe(texts.length)
  })
})

describe('definitionHash', () => {
  it('does not depend on key order', () => {
    for (const [name, definition] of Object.entries(seedViews)) {
      for (const seed of [1, 2, 3]) expect(definitionHash(reorder(definition, seed)), name).toBe(definitionHash(definition))
    }
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(), (value, seed) => {
        expect(definitionHash(reorder(value, seed))).toBe(definitionHash(value))
      }),
    )
  })

  it('changes with any edit', () => {
    const base = seedViews.DailySales as Record<string, unknown>
    const edits: unknown[] = [
      { ...base, $from: 'Orders' },
      { ...base, $groupBy: ['status', { date: '$createdAt' }] },
      { ...base, $groupBy: [{ day: '$createdAt' }, 'status'] },
      { ...base, $compute: { orderCount: { $count: '*' }, revenue: { $sum: 'total' } } },
      { ...base, $compute: { orderCount: { $count: '*' }, revenue: { $sum: 'total' }, avgOrder: { $avg: 'totals' } } },
      { ...base, $refresh: { mode: 'scheduled', schedule: '0 */2 * * *' } },
      { ...base, $timezone: 'UTC' },
      { ...base, $filter: { status: 'paid' } },
    ]
    const hashes = new Set([definitionHash(base), ...edits.map(definitionHash)])
    expect(hashes.size).toBe(edits.length + 1)
    expect(definitionHash(base)).toMatch(/^[0-9a-f]{16}$/)
  })

  it('sees Dates and RegExps by value', () => {
    expect(definitionHash({ $filter: { t: { $gte: new Date(5) } } })).toBe(definitionHash({ $filter: { t: { $gte: new Date(5) } } }))
    expect(definitionHash({ $filter: { t: { $gte: new Date(5) } } })).not.toBe(definitionHash({ $filter: { t: { $gte: new Date(6) } } }))
    expect(definitionHash({ $filter: { s: /a/ } })).not.toBe(definitionHash({ $filter: { s: /a/i } }))
  })
})
