import { describe, expect, it } from 'vitest'
import type { Row } from '../schema/types.ts'
import { compileFilter } from './compile-filter.ts'
import { badFilterError, tailRow, tailSchema } from './test-fixtures.ts'
import type { Filter } from './types.ts'

const label = 'collection "TailEvents"'

function matches(filter: Filter, row: Row, withSchema = false): boolean {
  return compileFilter(filter, withSchema ? { label, schema: tailSchema } : { label }).test(row)
}

/** The rows of `rows` (by index) that pass the filter. */
function which(filter: Filter, rows: readonly Row[], withSchema = false): number[] {
  const compiled = compileFilter(filter, withSchema ? { label, schema: tailSchema } : { label })
  return rows.flatMap((row, index) => (compiled.test(row) ? [index] : []))
}

function errorMessage(filter: unknown, withSchema = false): string {
  return badFilterError(() => compileFilter(filter as Filter, withSchema ? { label, schema: tailSchema } : { label })).message
}

describe('compileFilter: equality and comparison', () => {
  const rows: Row[] = [{ a: 1 }, { a: 5 }, { a: 'x' }, { a: null }, {}, { a: 5n }, { a: true }, { a: new Date(5) }]

  it('matches implicit equality and $eq', () => {
    expect(which({ a: 5 }, rows)).toEqual([1, 5])
    expect(which({ a: { $eq: 5 } }, rows)).toEqual([1, 5])
    expect(which({ a: 'x' }, rows)).toEqual([2])
    expect(which({ a: true }, rows)).toEqual([6])
    expect(which({ a: 5n }, rows)).toEqual([1, 5])
  })

  it('treats null as null or missing', () => {
    expect(which({ a: null }, rows)).toEqual([3, 4])
    expect(which({ a: { $ne: null } }, rows)).toEqual([0, 1, 2, 5, 6, 7])
  })

  it('$ne is true for other types, null and missing', () => {
    expect(which({ a: { $ne: 5 } }, rows)).toEqual([0, 2, 3, 4, 6, 7])
  })

  it('orders within a type bracket only', () => {
    expect(which({ a: { $gt: 1 } }, rows)).toEqual([1, 5])
    expect(which({ a: { $gte: 1 } }, rows)).toEqual([0, 1, 5])
    expect(which({ a: { $lt: 5 } }, rows)).toEqual([0])
    expect(which({ a: { $lte: 5 } }, rows)).toEqual([0, 1, 5])
    expect(which({ a: { $gt: 'a' } }, rows)).toEqual([2])
    expect(which({ a: { $gt: false } }, rows)).toEqual([6])
    expect(which({ a: { $gte: new Date(5) } }, rows)).toEqual([7])
    expect(which({ a: { $lt: 3n } }, rows)).toEqual([0])
  })

  it('combines several operators on one field', () => {
    expect(which({ a: { $gt: 0, $lt: 5 } }, rows)).toEqual([0])
    expect(which({ a: { $gte: 1, $ne: 5 } }, rows)).toEqual([0])
  })

  it('compares strings by UTF-16 code units', () => {
    expect(matches({ s: { $gt: 'Z' } }, { s: 'a' })).toBe(true)
    expect(matches({ s: { $lt: '\uFFFF' } }, { s: '😀' })).toBe(true)
  })

  it('compares bigints with numbers exactly', () => {
    expect(matches({ n: { $gt: 9007199254740992 } }, { n: 9007199254740993n })).toBe(true)
    expect(matches({ n: 9007199254740992 }, { n: 9007199254740993n })).toBe(false)
    expect(matches({ n: { $lt: 2.5 } }, { n: 2n })).toBe(true)
  })

  it('null bounds: $gte/$lte null match null, $gt/$lt null match nothing', () => {
    expect(which({ a: { $gte: null } }, rows)).toEqual([3, 4])
    expect(which({ a: { $lte: null } }, rows)).toEqual([3, 4])
    expect(which({ a: { $gt: null } }, rows)).toEqual([])
    expect(which({ a: { $lt: null } }, rows)).toEqual([])
  })

  it('NaN equals NaN and fails every range', () => {
    expect(matches({ a: Number.NaN }, { a: Number.NaN })).toBe(true)
    expect(matches({ a: { $in: [Number.NaN] } }, { a: Number.NaN })).toBe(true)
    expect(matches({ a: { $gt: 0 } }, { a: Number.NaN })).toBe(false)
    expect(matches({ a: { $lt: 0 } }, { a: Number.NaN })).toBe(false)
  })

  it('compares objects and arrays deeply, regardless of key order', () => {
    const row = { meta: { b: [1, { c: 2 }], a: 'x' }, list: [1, 2] }
    expect(matches({ meta: { a: 'x', b: [1, { c: 2 }] } }, row)).toBe(true)
    expect(matches({ meta: { a: 'x' } }, row)).toBe(false)
    expect(matches({ meta: { $eq: { a: 'x', b: [1, { c: 2 }] } } }, row)).toBe(true)
    expect(matches({ meta: { $in: [{ a: 'y' }, { b: [1, { c: 2 }], a: 'x' }] } }, row)).toBe(true)
    expect(matches({ list: [1, 2] }, row)).toBe(true)
    expect(matches({ list: [2, 1] }, row)).toBe(false)
    expect(matches({ list: { $ne: [1, 2] } }, row)).toBe(false)
    expect(matches({ empty: {} }, { empty: {} })).toBe(true)
    expect(matches({ list: { $gt: [1, 1] } }, row)).toBe(true)
  })

  it('reads own properties only', () => {
    expect(matches({ constructor: { $exists: true } }, {})).toBe(false)
    expect(matches({ 'a.toString': { $exists: true } }, { a: {} })).toBe(false)
    expect(matches({ __proto__: 1 } as Filter, JSON.parse('{"__proto__": 1}') as Row)).toBe(true)
  })

  it('matches everything with an empty filter', () => {
    const compiled = compileFilter({}, { label })
    expect(compiled.test({})).toBe(true)
    expect(compiled.columns).toEqual([])
    expect(compiled.mayMatch({}, 0)).toBe(true)
  })
})

describe('compileFilter: $in, $nin, $exists, $regex, $size, $elemMatch', () => {
  it('$in and $nin', () => {
    const rows: Row[] = [{ a: 'GET' }, { a: 'POST' }, { a: null }, { a: 2 }, { a: 2n }]
    expect(which({ a: { $in: ['GET', 2] } }, rows)).toEqual([0, 3, 4])
    expect(which({ a: { $in: [null] } }, rows)).toEqual([2])
    expect(which({ a: { $in: [2n] } }, rows)).toEqual([3, 4])
    expect(which({ a: { $in: [] } }, rows)).toEqual([])
    expect(which({ a: { $nin: ['GET', null] } }, rows)).toEqual([1, 3, 4])
    expect(which({ a: { $nin: [] } }, rows)).toEqual([0, 1, 2, 3, 4])
    expect(which({ a: { $in: [/^P/, 'GET'] } }, rows)).toEqual([0, 1])
  })

  it('$exists is "not null or undefined"', () => {
    const rows: Row[] = [{ a: 0 }, { a: null }, {}, { a: '' }, { a: [] }]
    expect(which({ a: { $exists: true } }, rows)).toEqual([0, 3, 4])
    expect(which({ a: { $exists: false } }, rows)).toEqual([1, 2])
  })

  it('$regex with strings, RegExps and $options', () => {
    const rows: Row[] = [{ s: 'GET /users' }, { s: 'get /users' }, { s: 5 }, { s: null }]
    expect(which({ s: { $regex: '^GET' } }, rows)).toEqual([0])
    expect(which({ s: { $regex: '^get', $options: 'i' } }, rows)).toEqual([0, 1])
    expect(which({ s: { $options: 'i', $regex: '^get' } }, rows)).toEqual([0, 1])
    expect(which({ s: { $regex: /^get/i } }, rows)).toEqual([0, 1])
    expect(which({ s: { $regex: /^get/i, $options: '' } }, rows)).toEqual([1])
    expect(which({ s: /users$/ }, rows)).toEqual([0, 1])
    expect(which({ s: { $not: /^GET/ } }, rows)).toEqual([1, 2, 3])
  })

  it('a global RegExp does not keep state between rows', () => {
    const compiled = compileFilter({ s: /a/g }, { label })
    expect([compiled.test({ s: 'a' }), compiled.test({ s: 'a' }), compiled.test({ s: 'a' })]).toEqual([true, true, true])
  })

  it('$size', () => {
    const rows: Row[] = [{ a: [] }, { a: [1, 2] }, { a: 'xy' }, {}]
    expect(which({ a: { $size: 2 } }, rows)).toEqual([1])
    expect(which({ a: { $size: 0 } }, rows)).toEqual([0])
  })

  it('$elemMatch on object elements and on values', () => {
    expect(matches({ logs: { $elemMatch: { level: 'error', timestamp: { $gte: 3 } } } }, tailRow)).toBe(true)
    expect(matches({ logs: { $elemMatch: { level: 'info', timestamp: { $gte: 3 } } } }, tailRow)).toBe(false)
    // without $elemMatch the two conditions may be met by different elements
    expect(matches({ 'logs.level': 'info', 'logs.timestamp': { $gte: 3 } }, tailRow)).toBe(true)
    expect(matches({ scores: { $elemMatch: { $gte: 80, $lt: 85 } } }, { scores: [70, 90, 82] })).toBe(true)
    expect(matches({ scores: { $elemMatch: { $gte: 80, $lt: 85 } } }, { scores: [70, 90] })).toBe(false)
    expect(matches({ scores: { $elemMatch: { $gte: 80 } } }, { scores: 90 })).toBe(false)
    expect(matches({ logs: { $elemMatch: { $or: [{ level: 'warn' }, { timestamp: 1 }] } } }, tailRow)).toBe(true)
  })
})

describe('compileFilter: logical operators', () => {
  const rows: Row[] = [{ a: 1, b: 1 }, { a: 1, b: 2 }, { a: 2, b: 1 }, { a: 2, b: 2 }]

  it('$and, $or, $nor and top-level $not', () => {
    expect(which({ $and: [{ a: 1 }, { b: 2 }] }, rows)).toEqual([1])
    expect(which({ $or: [{ a: 1 }, { b: 2 }] }, rows)).toEqual([0, 1, 3])
    expect(which({ $nor: [{ a: 1 }, { b: 2 }] }, rows)).toEqual([2])
    expect(which({ $not: { a: 1, b: 1 } }, rows)).toEqual([1, 2, 3])
    expect(which({ a: 2, $or: [{ b: 1 }, { b: 3 }] }, rows)).toEqual([2])
    expect(which({ $or: [{ $and: [{ a: 1 }, { b: 1 }] }, { $not: { a: 1 } }] }, rows)).toEqual([0, 2, 3])
  })

  it('$not as a field operator negates the whole condition, so it matches missing fields', () => {
    const people: Row[] = [{ age: 3 }, { age: 9 }, { age: null }, {}, { age: 'x' }]
    expect(which({ age: { $not: { $gt: 5 } } }, people)).toEqual([0, 2, 3, 4])
    expect(which({ age: { $not: { $gt: 1, $lt: 5 } } }, people)).toEqual([1, 2, 3, 4])
    expect(which({ age: { $not: { $not: { $gt: 5 } } } }, people)).toEqual([1])
  })
})

describe('compileFilter: dotted paths and arrays', () => {
  it('reaches into nested variant data of tail events', () => {
    expect(matches({ 'event.request.method': 'GET' }, tailRow)).toBe(true)
    expect(matches({ 'event.request.cf.colo': 'SJC' }, tailRow)).toBe(true)
    expect(matches({ 'event.request.cf.colo': { $in: ['LAX', 'AMS'] } }, tailRow)).toBe(false)
    expect(matches({ 'event.request.url': { $regex: '/users/\\d+$' } }, tailRow)).toBe(true)
    expect(matches({ 'event.request.headers.user-agent': 'curl' }, tailRow)).toBe(true)
    expect(matches({ 'event.response.status': { $gte: 500 } }, tailRow)).toBe(true)
    expect(matches({ 'event.scheduledTime': { $exists: true } }, tailRow)).toBe(false)
    expect(matches({ 'event.request.method.length': { $exists: true } }, tailRow)).toBe(false)
  })

  it('indexes arrays with numeric segments', () => {
    expect(matches({ 'exceptions.0.name': 'TypeError' }, tailRow)).toBe(true)
    expect(matches({ 'exceptions.1.name': 'TypeError' }, tailRow)).toBe(false)
    expect(matches({ 'exceptions.0': { $exists: true } }, tailRow)).toBe(true)
    expect(matches({ 'exceptions.1': { $exists: true } }, tailRow)).toBe(false)
    expect(matches({ 'exceptions.1': { $exists: false } }, tailRow)).toBe(true)
    expect(matches({ 'logs.1.message.0': 'x' }, tailRow)).toBe(true)
    expect(matches({ 'tags.0': 'beta' }, tailRow)).toBe(true)
    expect(matches({ 'o.0': 'zero' }, { o: { 0: 'zero' } })).toBe(true)
  })

  it('fans out over array elements for non-index segments (any element)', () => {
    expect(matches({ 'logs.level': 'error' }, tailRow)).toBe(true)
    expect(matches({ 'logs.level': 'warn' }, tailRow)).toBe(false)
    expect(matches({ 'logs.level': { $in: ['warn', 'error'] } }, tailRow)).toBe(true)
    expect(matches({ 'logs.timestamp': { $gt: 2 } }, tailRow)).toBe(true)
    expect(matches({ 'logs.message': 'start' }, tailRow)).toBe(true)
    expect(matches({ 'exceptions.name': 'TypeError' }, tailRow)).toBe(true)
    expect(matches({ 'a.b.c': 1 }, { a: [{ b: [{ c: 0 }, { c: 1 }] }] })).toBe(true)
  })

  it('negations hold only when no reached value matches', () => {
    expect(matches({ 'logs.level': { $ne: 'error' } }, tailRow)).toBe(false)
    expect(matches({ 'logs.level': { $ne: 'warn' } }, tailRow)).toBe(true)
    expect(matches({ 'logs.level': { $nin: ['info'] } }, tailRow)).toBe(false)
    expect(matches({ 'logs.level': { $not: { $eq: 'info' } } }, tailRow)).toBe(false)
    expect(matches({ 'logs.level': { $exists: false } }, tailRow)).toBe(false)
  })

  it('matches arrays by element or as a whole', () => {
    const row = { tags: ['x', 'y'], nested: [['x']] }
    expect(matches({ tags: 'x' }, row)).toBe(true)
    expect(matches({ tags: 'z' }, row)).toBe(false)
    expect(matches({ tags: { $ne: 'x' } }, row)).toBe(false)
    expect(matches({ tags: { $in: ['z', 'y'] } }, row)).toBe(true)
    expect(matches({ tags: { $nin: ['z', 'y'] } }, row)).toBe(false)
    expect(matches({ tags: { $regex: '^y' } }, row)).toBe(true)
    expect(matches({ tags: { $gt: 'x' } }, row)).toBe(true)
    expect(matches({ tags: ['x', 'y'] }, row)).toBe(true)
    expect(matches({ nested: ['x'] }, row)).toBe(true)
    expect(matches({ nested: 'x' }, row)).toBe(false) // one level of elements only
    expect(matches({ tags: null }, { tags: [null, 'x'] })).toBe(true)
    expect(matches({ tags: null }, { tags: [] })).toBe(false)
  })

  it('treats a path that reaches nothing as missing', () => {
    expect(matches({ 'a.b': null }, {})).toBe(true)
    expect(matches({ 'a.b': null }, { a: 5 })).toBe(true)
    expect(matches({ 'a.b': null }, { a: [] })).toBe(true)
    expect(matches({ 'a.b': null }, { a: [{ b: 1 }] })).toBe(false)
    expect(matches({ 'a.b': null }, { a: [{ b: 1 }, { c: 1 }] })).toBe(true)
    expect(matches({ 'a.b': { $exists: true } }, { a: [{ b: 1 }, { c: 1 }] })).toBe(true)
    expect(matches({ 'a.b': { $exists: false } }, { a: [] })).toBe(true)
    expect(matches({ 'a.b': { $ne: 1 } }, { a: 'string' })).toBe(true)
    expect(matches({ 'd.x': { $exists: true } }, { d: new Date(0) })).toBe(false)
  })
})

describe('compileFilter: coercion with a schema', () => {
  const at = (iso: string) => ({ ...tailRow, eventTimestamp: new Date(iso) })

  it('compares timestamps as instants from Dates, ISO strings and epoch ms', () => {
    const row = at('2026-01-01T00:00:05.000Z')
    const ms = Date.parse('2026-01-01T00:00:05.000Z')
    for (const literal of [new Date(ms), '2026-01-01T00:00:05Z', '2026-01-01T00:00:05.000+00:00', '2026-01-01 01:00:05+01:00', ms]) {
      expect(matches({ eventTimestamp: literal }, row, true)).toBe(true)
      expect(matches({ eventTimestamp: { $gte: literal, $lte: literal } }, row, true)).toBe(true)
      expect(matches({ eventTimestamp: { $gt: literal } }, row, true)).toBe(false)
      expect(matches({ eventTimestamp: { $ne: literal } }, row, true)).toBe(false)
      expect(matches({ eventTimestamp: { $in: ['2020-01-01', literal] } }, row, true)).toBe(true)
    }
    expect(matches({ eventTimestamp: { $gt: '2026-01-01' } }, row, true)).toBe(true)
    expect(matches({ eventTimestamp: { $lt: '2026-01-01T00:00:05' } }, row, true)).toBe(false) // no offset means UTC
    expect(matches({ createdAt: { $lt: '2026-01-02' } }, row, true)).toBe(true)
  })

  it('without a schema, only Dates compare with Dates', () => {
    const row = at('2026-01-01T00:00:05.000Z')
    const ms = Date.parse('2026-01-01T00:00:05.000Z')
    expect(matches({ eventTimestamp: new Date(ms) }, row)).toBe(true)
    expect(matches({ eventTimestamp: { $lt: new Date(ms + 1) } }, row)).toBe(true)
    expect(matches({ eventTimestamp: ms }, row)).toBe(false)
    expect(matches({ eventTimestamp: '2026-01-01T00:00:05.000Z' }, row)).toBe(false)
    // a Date inside variant data compares with a Date literal even with a schema
    expect(matches({ 'event.at': { $gt: new Date(0) } }, { ...tailRow, event: { at: new Date(5) } }, true)).toBe(true)
  })

  it('coerces integer strings for bigint columns', () => {
    expect(matches({ bytes: '9007199254740993' }, tailRow, true)).toBe(true)
    expect(matches({ bytes: { $gt: '9007199254740992' } }, tailRow, true)).toBe(true)
    expect(matches({ bytes: 9007199254740992 }, tailRow, true)).toBe(false)
    expect(matches({ bytes: { $gt: 9007199254740992 } }, tailRow, true)).toBe(true)
    expect(matches({ bytes: '9007199254740993' }, tailRow)).toBe(false) // no schema: a string is not a bigint
  })

  it('compares decimals exactly, as numbers or strings', () => {
    expect(matches({ price: 12.5 }, tailRow, true)).toBe(true)
    expect(matches({ price: '12.50' }, tailRow, true)).toBe(true)
    expect(matches({ price: { $gt: '12.49' } }, tailRow, true)).toBe(true)
    expect(matches({ total: '12345678901234567890.1234' }, tailRow, true)).toBe(true)
    expect(matches({ total: '12345678901234567890.12340' }, tailRow, true)).toBe(true)
    expect(matches({ total: { $gt: '12345678901234567890.1233' } }, tailRow, true)).toBe(true)
    expect(matches({ total: { $gt: '12345678901234567890.1234' } }, tailRow, true)).toBe(false)
    // a number literal stands for its shortest decimal text: 12345678901234567000 here
    expect(matches({ total: { $gt: 12345678901234567890 } }, tailRow, true)).toBe(true)
    expect(matches({ total: { $lt: 1.234567890123457e19 } }, tailRow, true)).toBe(true)
    expect(matches({ total: { $in: [1, '12345678901234567890.1234'] } }, tailRow, true)).toBe(true)
    expect(matches({ price: { $gt: 0.1 } }, { ...tailRow, price: 0.1 }, true)).toBe(false)
    expect(matches({ price: { $gte: '0.1' } }, { ...tailRow, price: 0.1 }, true)).toBe(true)
  })

  it('turns Date literals into calendar days for date columns', () => {
    expect(matches({ day: new Date('2026-01-01T23:00:00Z') }, tailRow, true)).toBe(true)
    expect(matches({ day: { $gte: '2025-12-31', $lt: '2026-01-02' } }, tailRow, true)).toBe(true)
    expect(matches({ day: { $gt: new Date('2026-01-01T00:00:00Z') } }, tailRow, true)).toBe(false)
  })

  it('accepts system fields and forward relations', () => {
    expect(matches({ $id: 'evt_1', account: 'acct_1' }, tailRow, true)).toBe(true)
    expect(matches({ $id: { $in: ['evt_2'] } }, tailRow, true)).toBe(false)
  })

  it('still matches list elements with a schema', () => {
    expect(matches({ tags: 'eu' }, tailRow, true)).toBe(true)
    expect(matches({ tags: { $ne: 'eu' } }, tailRow, true)).toBe(false)
    expect(matches({ tags: { $in: ['x', 'beta'] }, 'tags.1': 'eu' }, tailRow, true)).toBe(true)
    expect(matches({ 'logs.level': 'error', exceptions: { $elemMatch: { name: 'TypeError' } } }, tailRow, true)).toBe(true)
    expect(matches({ logs: { $size: 2 }, 'exceptions.name': { $regex: '^Type' } }, tailRow, true)).toBe(true)
  })
})

describe('compileFilter: columns', () => {
  it('lists the top-level columns read, once each, in order of appearance', () => {
    const compiled = compileFilter(
      { outcome: { $ne: 'ok' }, 'event.request.method': 'GET', $or: [{ wallTime: { $gt: 50 } }, { 'event.response.status': 500 }], logs: { $elemMatch: { level: 'error' } } },
      { label },
    )
    expect(compiled.columns).toEqual(['outcome', 'event', 'wallTime', 'logs'])
  })
})

describe('compileFilter: malformed filters', () => {
  it.each([
    [{ status: { $regx: 'a' } }, /unknown operator "\$regx" on field "status"/],
    [{ $where: 'x' }, /unknown top-level operator "\$where"/],
    [{ tags: { $in: 'x' } }, /\$in on field "tags": needs an array, got the string "x"/],
    [{ tags: { $nin: 5 } }, /\$nin on field "tags": needs an array, got number 5/],
    [{ $and: { a: 1 } }, /\$and needs a non-empty array of filters, got object/],
    [{ $or: [] }, /\$or needs a non-empty array of filters, got array/],
    [{ $nor: [] }, /\$nor needs a non-empty array/],
    [{ $or: [{ a: 1 }, 'b'] }, /filter \$or\[1\] must be an object, got string/],
    [{ $and: [{ a: { $bad: 1 } }] }, /filter \$and\[0\]: unknown operator "\$bad" on field "a"/],
    [{ $not: 'x' }, /filter \$not must be an object/],
    [{ a: { $exists: 1 } }, /\$exists on field "a": needs true or false, got number 1/],
    [{ a: { $regex: '(' } }, /\$regex on field "a": invalid regular expression/],
    [{ a: { $regex: 5 } }, /\$regex on field "a": needs a pattern string or a RegExp/],
    [{ a: { $regex: 'x', $options: 'g' } }, /\$regex on field "a": unsupported regex options "g"/],
    [{ a: { $regex: 'x', $options: 1 } }, /\$options on field "a": needs a string of flags/],
    [{ a: { $options: 'i' } }, /\$options on field "a": needs \$regex alongside/],
    [{ a: { $gt: 1, b: 2 } }, /field "a" mixes operators \(\$gt\) with plain keys \(b\)/],
    [{ a: { $not: 5 } }, /\$not on field "a": needs an operator object/],
    [{ a: { $not: { b: 1 } } }, /\$not on field "a": needs an operator object/],
    [{ a: { $not: {} } }, /\$not on field "a": needs an operator object/],
    [{ a: { $gt: /x/ } }, /\$gt on field "a": a regular expression has no order/],
    [{ a: { $size: -1 } }, /\$size on field "a": needs a non-negative integer/],
    [{ a: { $elemMatch: 1 } }, /\$elemMatch on field "a": needs a non-empty object/],
    [{ a: { $elemMatch: { b: { $nope: 1 } } } }, /unknown operator "\$nope" on field "b"/],
    [{ a: () => 1 }, /\$eq on field "a": a function cannot be compared/],
    [{ a: new Date(Number.NaN) }, /\$eq on field "a": the Date is invalid/],
    [{ 'a..b': 1 }, /invalid field path "a\.\.b"/],
    [{ '': 1 }, /invalid field path ""/],
    [[], /filter must be an object, got array/],
  ])('rejects %o', (filter, message) => {
    const error = errorMessage(filter)
    expect(error).toMatch(message)
    expect(error.startsWith(`[parquedb] ${label}: `)).toBe(true)
  })

  it.each([
    [{ nope: 1 }, /unknown field "nope" \(not declared on TailEvents and not one of \$id, createdAt, updatedAt\)/],
    [{ 'nope.x': 1 }, /unknown field "nope"/],
    [{ alerts: 'x' }, /field "alerts" is a reverse relation/],
    [{ 'outcome.length': 2 }, /path "outcome.length" reaches into field "outcome" \(string!\); only variant fields/],
    [{ 'eventTimestamp.x': 1 }, /reaches into field "eventTimestamp"/],
    [{ 'tags.x': 1 }, /reaches into field "tags"/],
    [{ 'tags.0.x': 1 }, /reaches into field "tags"/],
    [{ eventTimestamp: 'yesterday' }, /\$eq on field "eventTimestamp": "yesterday" is not a timestamp/],
    [{ eventTimestamp: { $gt: '2026-13-01' } }, /\$gt on field "eventTimestamp": "2026-13-01" is not a timestamp/],
    [{ createdAt: { $in: [Number.NaN] } }, /\$in on field "createdAt": NaN is not a timestamp/],
    [{ bytes: '12.5' }, /\$eq on field "bytes": "12.5" is not an integer/],
    [{ price: { $lt: 'cheap' } }, /\$lt on field "price": "cheap" is not a decimal number/],
  ])('with a schema, rejects %o', (filter, message) => {
    expect(errorMessage(filter, true)).toMatch(message)
  })

  it('puts the path and operator in the error details', () => {
    const error = badFilterError(() => compileFilter({ status: { $regx: 1 } }, { label }))
    expect(error.details).toMatchObject({ label, path: 'status', operator: '$regx' })
  })
})
