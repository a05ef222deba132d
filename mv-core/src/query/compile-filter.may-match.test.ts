import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { ColumnStats, Row, StatsByColumn } from '../schema/types.ts'
import { compileFilter } from './compile-filter.ts'
import { column, schemaOf } from './test-fixtures.ts'
import type { Filter } from './types.ts'

const label = 'collection "Things"'

/** One column of each kind, named by a letter. */
const schema = schemaOf('Things', [
  column('n', 'double'),
  column('i', 'bigint'),
  column('s', 'string'),
  column('b', 'boolean'),
  column('t', 'timestamp'),
  column('d', 'date'),
  column('p', 'decimal', { precision: 10, scale: 2 }),
  column('q', 'decimal', { precision: 30, scale: 4 }),
  column('v', 'variant'),
  column('tags', 'string', { array: true }),
])

function mayMatch(filter: Filter, stats: StatsByColumn, rowCount: number, withSchema = true): boolean {
  return compileFilter(filter, withSchema ? { label, schema } : { label }).mayMatch(stats, rowCount)
}

describe('mayMatch: pruning from statistics', () => {
  const n: ColumnStats = { min: 10, max: 20, nullCount: 0 }
  const withNulls: ColumnStats = { min: 10, max: 20, nullCount: 3 }
  const allNull: ColumnStats = { nullCount: 5 }

  it('equality and $in against [min, max]', () => {
    for (const withSchema of [true, false]) {
      expect(mayMatch({ n: 9 }, { n }, 5, withSchema)).toBe(false)
      expect(mayMatch({ n: 21 }, { n }, 5, withSchema)).toBe(false)
      expect(mayMatch({ n: 10 }, { n }, 5, withSchema)).toBe(true)
      expect(mayMatch({ n: { $eq: 20 } }, { n }, 5, withSchema)).toBe(true)
      expect(mayMatch({ n: { $in: [1, 2, 30] } }, { n }, 5, withSchema)).toBe(false)
      expect(mayMatch({ n: { $in: [1, 15] } }, { n }, 5, withSchema)).toBe(true)
      expect(mayMatch({ n: { $in: [] } }, { n }, 5, withSchema)).toBe(false)
    }
  })

  it('ranges against max and min', () => {
    expect(mayMatch({ n: { $gt: 20 } }, { n }, 5)).toBe(false)
    expect(mayMatch({ n: { $gte: 20 } }, { n }, 5)).toBe(true)
    expect(mayMatch({ n: { $gte: 20.5 } }, { n }, 5)).toBe(false)
    expect(mayMatch({ n: { $lt: 10 } }, { n }, 5)).toBe(false)
    expect(mayMatch({ n: { $lte: 10 } }, { n }, 5)).toBe(true)
    expect(mayMatch({ n: { $lte: 9 } }, { n }, 5)).toBe(false)
    expect(mayMatch({ n: { $gt: 12, $lt: 11 } }, { n }, 5)).toBe(true) // each alone may match
    expect(mayMatch({ n: { $gt: 5, $lt: 9 } }, { n }, 5)).toBe(false)
  })

  it('null equality and $exists against nullCount', () => {
    expect(mayMatch({ n: null }, { n }, 5)).toBe(false)
    expect(mayMatch({ n: null }, { n: withNulls }, 5)).toBe(true)
    expect(mayMatch({ n: { $exists: false } }, { n }, 5)).toBe(false)
    expect(mayMatch({ n: { $exists: false } }, { n: withNulls }, 5)).toBe(true)
    expect(mayMatch({ n: { $exists: true } }, { n: allNull }, 5)).toBe(false)
    expect(mayMatch({ n: { $exists: true } }, { n: withNulls }, 5)).toBe(true)
    // a list without null lists can still hold a null element
    expect(mayMatch({ tags: null }, { tags: { nullCount: 0 } }, 5)).toBe(true)
    expect(mayMatch({ tags: { $exists: false } }, { tags: { nullCount: 0 } }, 5)).toBe(false)
    // without a schema, a column without bounds may be a list
    expect(mayMatch({ x: null }, { x: { nullCount: 0 } }, 5, false)).toBe(true)
    expect(mayMatch({ x: null }, { x: { min: 1, max: 2, nullCount: 0 } }, 5, false)).toBe(false)
  })

  it('an all-null column is decided exactly', () => {
    expect(mayMatch({ n: 5 }, { n: allNull }, 5)).toBe(false)
    expect(mayMatch({ n: { $gt: 5 } }, { n: allNull }, 5)).toBe(false)
    expect(mayMatch({ n: { $in: [1, null] } }, { n: allNull }, 5)).toBe(true)
    expect(mayMatch({ n: null }, { n: allNull }, 5)).toBe(true)
    expect(mayMatch({ n: { $ne: 5 } }, { n: allNull }, 5)).toBe(true)
    expect(mayMatch({ n: { $ne: null } }, { n: allNull }, 5)).toBe(false)
    expect(mayMatch({ n: { $nin: [null] } }, { n: allNull }, 5)).toBe(false)
    expect(mayMatch({ n: { $not: { $gt: 5 } } }, { n: allNull }, 5)).toBe(true)
    expect(mayMatch({ s: { $regex: 'x' } }, { s: allNull }, 5)).toBe(false)
    expect(mayMatch({ 'v.a.b': 'x' }, { v: allNull }, 5)).toBe(false)
    expect(mayMatch({ 'v.a.b': null }, { v: allNull }, 5)).toBe(true)
    expect(mayMatch({ n: 5 }, { n: { nullCount: 0 } }, 0)).toBe(false) // no rows at all
  })

  it('$ne and $nin rule out a constant column only with a schema', () => {
    const constant: ColumnStats = { min: 7, max: 7, nullCount: 0 }
    expect(mayMatch({ n: { $ne: 7 } }, { n: constant }, 5)).toBe(false)
    expect(mayMatch({ n: { $ne: 7 } }, { n: { ...constant, nullCount: 1 } }, 5)).toBe(true)
    expect(mayMatch({ n: { $ne: 8 } }, { n: constant }, 5)).toBe(true)
    expect(mayMatch({ n: { $nin: [1, 7] } }, { n: constant }, 5)).toBe(false)
    expect(mayMatch({ n: { $nin: [7, null] } }, { n: { ...constant, nullCount: 2 } }, 5)).toBe(false)
    expect(mayMatch({ n: { $nin: [7] } }, { n: { ...constant, nullCount: 2 } }, 5)).toBe(true)
    expect(mayMatch({ n: { $ne: 7 } }, { n: constant }, 5, false)).toBe(true)
    expect(mayMatch({ s: { $ne: 'ok' } }, { s: { min: 'ok', max: 'ok', nullCount: 0 } }, 5)).toBe(false)
    expect(mayMatch({ t: { $ne: '1970-01-01T00:00:01Z' } }, { t: { min: 1000, max: 1000, nullCount: 0 } }, 5)).toBe(false)
    expect(mayMatch({ i: { $ne: 5 } }, { i: { min: '5', max: '5', nullCount: 0 } }, 5)).toBe(false)
    expect(mayMatch({ i: { $ne: '5' } }, { i: { min: '5', max: '5', nullCount: 0 } }, 5, false)).toBe(true)
  })

  it('$not, $regex, $size and $nor stay conservative', () => {
    expect(mayMatch({ n: { $not: { $gt: 5 } } }, { n }, 5)).toBe(true)
    expect(mayMatch({ s: { $regex: '^zzz' } }, { s: { min: 'a', max: 'b', nullCount: 0 } }, 5)).toBe(true)
    expect(mayMatch({ $nor: [{ n: 15 }] }, { n }, 5)).toBe(true)
    expect(mayMatch({ $not: { n: 15 } }, { n }, 5)).toBe(true)
  })

  it('$and needs every part, $or any part', () => {
    expect(mayMatch({ $and: [{ n: 15 }, { n: 30 }] }, { n }, 5)).toBe(false)
    expect(mayMatch({ $or: [{ n: 30 }, { n: 1 }] }, { n }, 5)).toBe(false)
    expect(mayMatch({ $or: [{ n: 30 }, { n: 15 }] }, { n }, 5)).toBe(true)
    expect(mayMatch({ n: 15, s: 'z' }, { n, s: { min: 'a', max: 'b', nullCount: 0 } }, 5)).toBe(false)
  })

  it('compares in stat form: timestamps as ms, bigints as decimal strings, decimals exactly', () => {
    const t: ColumnStats = { min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2026-01-02T00:00:00Z'), nullCount: 0 }
    expect(mayMatch({ t: { $gt: new Date('2026-01-03T00:00:00Z') } }, { t }, 5)).toBe(false)
    expect(mayMatch({ t: { $gt: '2026-01-03' } }, { t }, 5)).toBe(false)
    expect(mayMatch({ t: { $lt: '2026-01-01T12:00:00Z' } }, { t }, 5)).toBe(true)
    expect(mayMatch({ t: { $lt: new Date('2025-12-31T00:00:00Z') } }, { t }, 5, false)).toBe(false)
    const i: ColumnStats = { min: '9007199254740993', max: '9007199254740999', nullCount: 0 }
    expect(mayMatch({ i: '9007199254740992' }, { i }, 5)).toBe(false)
    expect(mayMatch({ i: 9007199254740992n }, { i }, 5, false)).toBe(false)
    expect(mayMatch({ i: { $gt: 9007199254740998 } }, { i }, 5)).toBe(true)
    expect(mayMatch({ i: { $gte: '9007199254741000' } }, { i }, 5)).toBe(false)
    const d: ColumnStats = { min: '2024-01-01', max: '2024-12-31', nullCount: 0 }
    expect(mayMatch({ d: { $gte: new Date('2025-01-01T00:00:00Z') } }, { d }, 5)).toBe(false)
    expect(mayMatch({ d: '2024-06-01' }, { d }, 5)).toBe(true)
    const q: ColumnStats = { min: 1.2345678901234567e19, max: 1.2345678901234569e19, nullCount: 0 }
    expect(mayMatch({ q: '12345678901234560000' }, { q }, 5)).toBe(false)
    expect(mayMatch({ q: '12345678901234567890.1234' }, { q }, 5)).toBe(true)
    expect(mayMatch({ b: true }, { b: { min: false, max: false, nullCount: 0 } }, 5)).toBe(false)
  })

  it('cannot prune on literals of another type than the bounds', () => {
    expect(mayMatch({ n: { $gt: 'a' } }, { n }, 5, false)).toBe(true)
    expect(mayMatch({ n: { a: 1 } }, { n }, 5)).toBe(true)
    expect(mayMatch({ n: /x/ }, { n }, 5)).toBe(true)
  })

  it('does not order strings with surrogates or high BMP characters against bounds', () => {
    const s: ColumnStats = { min: 'a', max: 'b', nullCount: 0 }
    expect(mayMatch({ s: 'c' }, { s }, 5)).toBe(false)
    expect(mayMatch({ s: '\uFFFF' }, { s }, 5)).toBe(true)
    expect(mayMatch({ s: '😀' }, { s }, 5)).toBe(true)
  })

  it('cannot prune dotted paths, lists or variants from bounds, nor columns without stats', () => {
    expect(mayMatch({ 'v.x': 5 }, { v: { min: 10, max: 20, nullCount: 0 } }, 5)).toBe(true)
    expect(mayMatch({ tags: 'z' }, { tags: { min: 'a', max: 'b', nullCount: 0 } }, 5)).toBe(true)
    expect(mayMatch({ v: 5 }, { v: { min: 10, max: 20, nullCount: 0 } }, 5)).toBe(true)
    expect(mayMatch({ n: 5 }, {}, 5)).toBe(true)
    expect(mayMatch({ constructor: 5 }, {}, 5, false)).toBe(true)
  })
})

// ---- soundness: no row of a pruned set may pass the filter -------------------------------------

const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: null, freq: 3 })
const MS = [0, 1000, 86_400_000]
const STRINGS = ['', 'a', 'b', '\uFFFF', '😀']

const jsonValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(null, 0, 1, 'a', true),
    fc.array(tie('value'), { maxLength: 2 }),
    fc.record({ x: tie('value'), y: tie('value') }, { requiredKeys: [] }),
  ),
})).value

// Small pools, so that bounds often touch the literals and constant columns are common.
const columnValues = {
  n: maybe(fc.constantFrom(-1, 0.5, 2)),
  i: maybe(fc.constantFrom(-2n, 1n, 9007199254740993n)),
  s: maybe(fc.constantFrom(...STRINGS)),
  b: maybe(fc.boolean()),
  t: maybe(fc.constantFrom(...MS).map((ms) => new Date(ms))),
  d: maybe(fc.constantFrom('2024-01-01', '2024-01-02', '2025-06-30')),
  p: maybe(fc.constantFrom(-1.5, 0.1, 12.5)),
  q: maybe(fc.constantFrom('-1.0000', '0.1000', '12345678901234567890.1234', '12345678901234567890.1235')),
  v: maybe(jsonValue),
  tags: maybe(fc.array(fc.option(fc.constantFrom('a', 'b'), { nil: null, freq: 3 }), { maxLength: 2 })),
} as const

type Name = keyof typeof columnValues
const NAMES = Object.keys(columnValues) as Name[]

/** Literals each column's filters use: its own kind in every accepted form, plus other types. */
const literals: Record<Name, fc.Arbitrary<unknown>> = {
  n: fc.constantFrom(-2, -1, 0, 0.5, 1, 2, 3, 2n, 'a', true, null),
  i: fc.constantFrom(-3n, -2n, 1n, 9007199254740993n, 1, 1.5, 9007199254740992, '1', '9007199254740993', true, null),
  s: fc.constantFrom(...STRINGS, 'aa', 'c', 1, true, null),
  b: fc.constantFrom(true, false, 1, null),
  t: fc.oneof(
    fc.constantFrom(...MS, -1, 1500, 999_999_999).map((ms) => new Date(ms)),
    fc.constantFrom(...MS, 1001),
    fc.constantFrom('1970-01-01', '1970-01-01T00:00:01Z', '1970-01-02T00:00:00.000+00:00', '1970-01-01 00:00:01.5'),
    fc.constant(null),
  ),
  d: fc.oneof(fc.constantFrom('2024-01-01', '2024-01-02', '2024-06', '2025-06-30', '2026-01-01', null, 5), fc.constantFrom(0, 1704067200000).map((ms) => new Date(ms))),
  p: fc.constantFrom(-1.5, 0, 0.1, 0.10000000000000002, 12.5, 100, '12.50', '0.1', '-2', null),
  q: fc.constantFrom('-1', '0.1', '12345678901234567890.1234', '12345678901234567890.12345', 1.2345678901234567e19, 0, null),
  v: fc.oneof(jsonValue, fc.constantFrom(new Date(0), 5n)),
  tags: fc.oneof(fc.constantFrom('a', 'b', 'c', null), fc.array(fc.constantFrom('a', 'b'), { maxLength: 2 })),
}

const dottedPaths: Partial<Record<Name, readonly string[]>> = { v: ['v.x', 'v.0', 'v.x.y', 'v.y.0'], tags: ['tags.0', 'tags.1'] }

function condition(name: Name): fc.Arbitrary<unknown> {
  const literal = literals[name]
  const operator = fc.oneof(
    fc.tuple(fc.constantFrom('$eq', '$ne', '$gt', '$gte', '$lt', '$lte'), literal),
    fc.tuple(fc.constantFrom('$in', '$nin'), fc.array(literal, { maxLength: 3 })),
    fc.tuple(fc.constant('$exists'), fc.boolean()),
    fc.tuple(fc.constant('$size'), fc.nat(2)),
    fc.tuple(fc.constant('$regex'), fc.constantFrom('^a', 'b$', '^$', '😀')),
  )
  const operators = fc.array(operator, { minLength: 1, maxLength: 2 }).map((entries) => Object.fromEntries(entries))
  return fc.oneof(literal, operators, operators.map((inner) => ({ $not: inner })))
}

const fieldEntry = fc.constantFrom(...NAMES).chain((name) =>
  fc.tuple(fc.constantFrom(name, name, ...(dottedPaths[name] ?? [])), condition(name)),
)

const filterArbitrary: fc.Arbitrary<Filter> = fc.letrec<{ filter: Filter }>((tie) => ({
  filter: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    { arbitrary: fieldEntry.map(([path, spec]) => ({ [path]: spec }) as Filter), weight: 4 },
    { arbitrary: fc.array(fieldEntry, { minLength: 0, maxLength: 3 }).map((entries) => Object.fromEntries(entries) as Filter), weight: 1 },
    { arbitrary: fc.tuple(fc.constantFrom('$and', '$or', '$nor'), fc.array(tie('filter'), { minLength: 1, maxLength: 3 })).map(([op, parts]) => ({ [op]: parts })), weight: 1 },
    { arbitrary: tie('filter').map((inner) => ({ $not: inner })), weight: 1 },
  ),
})).filter

const rowArbitrary: fc.Arbitrary<Row> = fc.record(columnValues)

/** Statistics as the writer keeps them: bounds in stat form per kind, none for lists and variants. */
function statsOf(rows: readonly Row[]): Record<string, ColumnStats> {
  const stats: Record<string, ColumnStats> = {}
  for (const name of NAMES) {
    const values = rows.map((row) => row[name]).filter((value) => value !== null && value !== undefined)
    const entry: ColumnStats = { nullCount: rows.length - values.length }
    if (values.length > 0 && name !== 'v' && name !== 'tags') {
      const forms = values.map(statForm(name))
      let min = forms[0] as string | number | boolean | bigint
      let max = min
      for (const form of forms) {
        if (form < min) min = form
        if (form > max) max = form
      }
      if (name === 'q') {
        // bounds of wide decimals are doubles widened past the rounding
        min = (min as number) - Math.abs(min as number) * 1e-15
        max = (max as number) + Math.abs(max as number) * 1e-15
      }
      entry.min = typeof min === 'bigint' ? String(min) : min
      entry.max = typeof max === 'bigint' ? String(max) : max
    }
    stats[name] = entry
  }
  return stats
}

function statForm(name: Name): (value: unknown) => string | number | boolean | bigint {
  switch (name) {
    case 't':
      return (value) => (value as Date).getTime()
    case 'q':
      return (value) => Number(value)
    default:
      return (value) => value as string | number | boolean | bigint
  }
}

describe('mayMatch soundness (property)', () => {
  for (const withSchema of [true, false]) {
    it(`never rules out a set with a matching row (${withSchema ? 'with' : 'without'} schema)`, () => {
      let pruned = 0
      fc.assert(
        fc.property(fc.array(rowArbitrary, { maxLength: 5 }), filterArbitrary, (rows, filter) => {
          const compiled = compileFilter(filter, withSchema ? { label, schema } : { label })
          if (compiled.mayMatch(statsOf(rows), rows.length)) return
          pruned++
          for (const row of rows) expect(compiled.test(row), JSON.stringify({ filter, row }, replacer)).toBe(false)
        }),
        { numRuns: 5000 },
      )
      // the property must not hold vacuously
      expect(pruned).toBeGreaterThan(500)
    })
  }
})

function replacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? `${value}n` : value
}
