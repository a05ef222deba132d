import { describe, expect, it } from 'vitest'
import { ParqueDBError } from '../errors.ts'
import { parseSchema } from './parse-schema.ts'
import { validateRows, type ValidateOptions } from './validate.ts'

const order = parseSchema('Order', {
  customer: '-> Customer!',
  referrer: '-> Customer',
  total: 'decimal(10,2)!',
  note: 'string?',
  items: '<- OrderItem.order[]',
})

const kinds = parseSchema('Kinds', {
  s: 'string',
  i: 'int',
  b: 'bigint',
  f: 'float',
  d: 'double',
  dec: 'decimal(10,2)',
  rate: 'decimal(5,4)',
  big: 'decimal(38,10)',
  small: 'decimal(3,0)',
  flag: 'boolean',
  at: 'timestamp',
  day: 'date',
  v: 'variant',
  logs: 'variant[]',
  tags: 'string[]',
  nums: 'int[]',
  times: 'timestamp[]',
  links: '-> Tag[]',
})

function rejection(schema = kinds, rows: unknown[], options?: ValidateOptions): ParqueDBError {
  try {
    validateRows(schema, rows, options)
  } catch (error) {
    if (ParqueDBError.isInstance(error, 'VALIDATION')) return error
    throw error
  }
  throw new Error('expected validateRows to throw')
}

/** The normalized value of one field, or the message it is rejected with. */
function one(field: string, value: unknown): unknown {
  return validateRows(kinds, [{ [field]: value }], { partial: true })[0]?.[field]
}
function oneError(field: string, value: unknown): string {
  return rejection(kinds, [{ [field]: value }], { partial: true }).message
}

describe('validateRows', () => {
  it('normalizes a full row into a new object with nulls for missing optional fields', () => {
    const input = { customer: 'c1', total: '12.50' }
    const [row] = validateRows(order, [input])
    expect(row).toEqual({ customer: 'c1', total: 12.5, referrer: null, note: null })
    expect(row).not.toBe(input)
    expect(input).toEqual({ customer: 'c1', total: '12.50' })
  })

  it('reports the first bad value with the exact message and details', () => {
    const error = rejection(order, [
      { customer: 'c1', total: 1 },
      { customer: 'c2', total: 2 },
      { customer: 'c3', total: 3 },
      { customer: 'c4', total: 'abc' },
    ])
    expect(error.message).toBe('[parquedb] collection "Order": row 3: field "total": expected decimal(10,2), got "abc"')
    expect(error.details).toMatchObject({ collection: 'Order', row: 3, field: 'total', expected: 'decimal(10,2)', got: '"abc"', errorCount: 1 })
  })

  it('rejects the whole batch, counting every bad value and listing up to 20', () => {
    const rows = Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? { customer: `c${i}`, total: 1 } : { customer: 5, total: 'x' }))
    const error = rejection(order, rows)
    expect(error.message).toBe('[parquedb] collection "Order": row 1: field "customer": expected $id of Customer, got 5 (29 more invalid values, 15 bad rows in the batch)')
    expect(error.details.errorCount).toBe(30)
    expect(error.details.badRowCount).toBe(15)
    const listed = error.details.errors as { row: number, field: string, message: string }[]
    expect(listed).toHaveLength(20)
    expect(listed[1]).toMatchObject({ row: 1, field: 'total', expected: 'decimal(10,2)', got: '"x"' })
    expect(listed[2]?.message).toBe('[parquedb] collection "Order": row 3: field "customer": expected $id of Customer, got 5'.slice('[parquedb] '.length))
  })

  it('requires required fields and rejects null for them', () => {
    expect(rejection(order, [{ customer: 'c1' }]).message).toBe('[parquedb] collection "Order": row 0: field "total": expected decimal(10,2) (required), got nothing')
    expect(rejection(order, [{ customer: 'c1', total: null }]).message).toBe('[parquedb] collection "Order": row 0: field "total": expected decimal(10,2) (required), got null')
    expect(rejection(order, [{ total: 1, customer: undefined }]).message).toBe('[parquedb] collection "Order": row 0: field "customer": expected $id of Customer (required), got nothing')
  })

  it('rejects unknown fields, reverse relations and non-object rows', () => {
    expect(rejection(order, [{ customer: 'c1', total: 1, totl: 2 }]).message).toBe('[parquedb] collection "Order": row 0: field "totl": unknown field (collection "Order" does not declare it)')
    expect(rejection(order, [{ customer: 'c1', total: 1, items: [] }]).message).toBe('[parquedb] collection "Order": row 0: field "items": is a reverse relation computed from OrderItem and cannot be written')
    expect(rejection(order, [null]).message).toBe('[parquedb] collection "Order": row 0: expected an object, got null')
    expect(rejection(order, [[1]]).message).toBe('[parquedb] collection "Order": row 0: expected an object, got array(1)')
    // An undefined value is the same as an absent one, even under an unknown name.
    expect(validateRows(order, [{ customer: 'c1', total: 1, typo: undefined }])).toEqual([{ customer: 'c1', total: 1, referrer: null, note: null }])
  })

  it('partial mode checks only present fields, but a required field cannot become null', () => {
    expect(validateRows(order, [{ note: 'hi' }], { partial: true })).toEqual([{ note: 'hi' }])
    expect(validateRows(order, [{ note: null }], { partial: true })).toEqual([{ note: null }])
    expect(validateRows(order, [{}], { partial: true })).toEqual([{}])
    expect(rejection(order, [{ total: null }], { partial: true }).message).toBe('[parquedb] collection "Order": row 0: field "total": expected decimal(10,2) (required), got null')
    expect(rejection(order, [{ nope: 1 }], { partial: true }).message).toBe('[parquedb] collection "Order": row 0: field "nope": unknown field (collection "Order" does not declare it)')
  })

  it('checks $id and accepts system timestamps when given', () => {
    const [row] = validateRows(order, [{ $id: 'o-1', createdAt: '2024-01-01T00:00:00Z', updatedAt: 1_700_000_000_000, customer: 'c', total: 0 }])
    expect(row).toEqual({ $id: 'o-1', createdAt: new Date('2024-01-01T00:00:00Z'), updatedAt: new Date(1_700_000_000_000), customer: 'c', total: 0, referrer: null, note: null })
    expect(row).not.toHaveProperty('nothing')
    const [bare] = validateRows(order, [{ customer: 'c', total: 0 }])
    expect(bare).not.toHaveProperty('$id')
    expect(bare).not.toHaveProperty('createdAt')
    const idError = (id: unknown) => rejection(order, [{ $id: id, customer: 'c', total: 0 }]).message
    expect(idError('')).toBe('[parquedb] collection "Order": row 0: field "$id": expected id string, got "" (ids cannot be empty)')
    expect(idError('x'.repeat(257))).toMatch(/field "\$id": expected id string, got "x{60}…" \(ids are at most 256 characters\)$/)
    expect(idError('a\nb')).toBe('[parquedb] collection "Order": row 0: field "$id": expected id string, got "a\\nb" (ids cannot contain control characters)')
    expect(idError(12)).toBe('[parquedb] collection "Order": row 0: field "$id": expected id string, got 12')
    expect(validateRows(order, [{ $id: 'x'.repeat(256), customer: 'c', total: 0 }])[0]?.$id).toHaveLength(256)
    expect(rejection(order, [{ createdAt: 'yesterday', customer: 'c', total: 0 }]).message).toBe('[parquedb] collection "Order": row 0: field "createdAt": expected timestamp, got "yesterday" (use a Date, an ISO-8601 string or integer epoch milliseconds)')
  })

  it('string', () => {
    expect(one('s', 'héllo wörld ✓ 😀 中文')).toBe('héllo wörld ✓ 😀 中文')
    expect(one('s', '')).toBe('')
    expect(oneError('s', 5)).toBe('[parquedb] collection "Kinds": row 0: field "s": expected string, got 5')
    expect(oneError('s', '\uD800x')).toBe('[parquedb] collection "Kinds": row 0: field "s": expected string, got "\\ud800x" (contains a lone UTF-16 surrogate)')
  })

  it('int: integers in the int32 range only', () => {
    expect(one('i', 2147483647)).toBe(2147483647)
    expect(one('i', -2147483648)).toBe(-2147483648)
    expect(Object.is(one('i', -0), 0)).toBe(true)
    expect(oneError('i', 2147483648)).toBe('[parquedb] collection "Kinds": row 0: field "i": expected int, got 2147483648 (outside -2147483648..2147483647)')
    expect(oneError('i', -2147483649)).toBe('[parquedb] collection "Kinds": row 0: field "i": expected int, got -2147483649 (outside -2147483648..2147483647)')
    expect(oneError('i', 1.5)).toBe('[parquedb] collection "Kinds": row 0: field "i": expected int, got 1.5')
    expect(oneError('i', '1')).toBe('[parquedb] collection "Kinds": row 0: field "i": expected int, got "1"')
    expect(oneError('i', NaN)).toBe('[parquedb] collection "Kinds": row 0: field "i": expected int, got NaN')
  })

  it('bigint: bigint, safe integers and integer strings, range-checked to int64', () => {
    expect(one('b', 5n)).toBe(5n)
    expect(one('b', 9007199254740991)).toBe(9007199254740991n)
    expect(one('b', '-9223372036854775808')).toBe(-9223372036854775808n)
    expect(one('b', '9223372036854775807')).toBe(9223372036854775807n)
    expect(oneError('b', 9223372036854775808n)).toBe('[parquedb] collection "Kinds": row 0: field "b": expected bigint, got 9223372036854775808n (outside the 64-bit integer range)')
    expect(oneError('b', 2 ** 60)).toBe('[parquedb] collection "Kinds": row 0: field "b": expected bigint, got 1152921504606847000 (beyond Number.MAX_SAFE_INTEGER; pass a bigint or a string)')
    expect(oneError('b', '1.5')).toBe('[parquedb] collection "Kinds": row 0: field "b": expected bigint, got "1.5"')
    expect(oneError('b', 1.5)).toBe('[parquedb] collection "Kinds": row 0: field "b": expected bigint, got 1.5')
  })

  it('float and double: finite numbers; floats rounded to 32 bits', () => {
    expect(one('d', 0.1)).toBe(0.1)
    expect(one('d', Number.MAX_VALUE)).toBe(Number.MAX_VALUE)
    expect(one('f', 0.1)).toBe(Math.fround(0.1))
    expect(one('f', 3.4e38)).toBe(Math.fround(3.4e38))
    expect(oneError('f', 1e39)).toBe('[parquedb] collection "Kinds": row 0: field "f": expected float, got 1e+39 (outside the 32-bit float range)')
    expect(oneError('d', NaN)).toBe('[parquedb] collection "Kinds": row 0: field "d": expected double, got NaN (numbers must be finite)')
    expect(oneError('d', -Infinity)).toBe('[parquedb] collection "Kinds": row 0: field "d": expected double, got -Infinity (numbers must be finite)')
    expect(oneError('f', Infinity)).toBe('[parquedb] collection "Kinds": row 0: field "f": expected float, got Infinity (numbers must be finite)')
    expect(oneError('d', '1')).toBe('[parquedb] collection "Kinds": row 0: field "d": expected double, got "1"')
  })

  it('decimal: exact, numbers up to precision 15, canonical strings above', () => {
    expect(one('dec', 12345678.99)).toBe(12345678.99)
    expect(one('dec', '12345678.99')).toBe(12345678.99)
    expect(one('dec', '-99999999.99')).toBe(-99999999.99)
    expect(one('dec', '1.50')).toBe(1.5)
    expect(one('dec', '1.5000')).toBe(1.5)
    expect(one('dec', 7)).toBe(7)
    expect(one('dec', '+.5')).toBe(0.5)
    expect(one('dec', '1e3')).toBe(1000)
    expect(one('rate', 0.1234)).toBe(0.1234)
    expect(one('small', 999)).toBe(999)
    expect(one('big', '12345678901234567890123456.1234567891')).toBe('12345678901234567890123456.1234567891')
    expect(one('big', '-0.5')).toBe('-0.5000000000')
    expect(one('big', 12.25)).toBe('12.2500000000')
    expect(one('big', '0')).toBe('0.0000000000')
    expect(one('big', '-0')).toBe('0.0000000000')
    expect(one('big', '9999999999999999999999999999.9999999999')).toBe('9999999999999999999999999999.9999999999')
    expect(oneError('dec', 'abc')).toBe('[parquedb] collection "Kinds": row 0: field "dec": expected decimal(10,2), got "abc"')
    expect(oneError('dec', 0.1 + 0.2)).toBe('[parquedb] collection "Kinds": row 0: field "dec": expected decimal(10,2), got 0.30000000000000004 (has more than 2 fractional digits)')
    expect(oneError('dec', 1.234)).toBe('[parquedb] collection "Kinds": row 0: field "dec": expected decimal(10,2), got 1.234 (has more than 2 fractional digits)')
    expect(oneError('dec', 123456789)).toBe('[parquedb] collection "Kinds": row 0: field "dec": expected decimal(10,2), got 123456789 (has more than 8 integer digits)')
    expect(oneError('small', 1000)).toBe('[parquedb] collection "Kinds": row 0: field "small": expected decimal(3,0), got 1000 (has more than 3 integer digits)')
    expect(oneError('big', '99999999999999999999999999999')).toBe('[parquedb] collection "Kinds": row 0: field "big": expected decimal(38,10), got "99999999999999999999999999999" (has more than 28 integer digits)')
    expect(oneError('big', '1e-11')).toBe('[parquedb] collection "Kinds": row 0: field "big": expected decimal(38,10), got "1e-11" (has more than 10 fractional digits)')
    expect(oneError('big', '1e999999999')).toBe('[parquedb] collection "Kinds": row 0: field "big": expected decimal(38,10), got "1e999999999" (has more than 28 integer digits)')
    expect(oneError('dec', NaN)).toBe('[parquedb] collection "Kinds": row 0: field "dec": expected decimal(10,2), got NaN')
    expect(oneError('dec', '')).toBe('[parquedb] collection "Kinds": row 0: field "dec": expected decimal(10,2), got ""')
    expect(oneError('dec', '1.2.3')).toBe('[parquedb] collection "Kinds": row 0: field "dec": expected decimal(10,2), got "1.2.3"')
    expect(oneError('dec', 5n)).toBe('[parquedb] collection "Kinds": row 0: field "dec": expected decimal(10,2), got 5n')
  })

  it('boolean: booleans only', () => {
    expect(one('flag', false)).toBe(false)
    expect(oneError('flag', 'true')).toBe('[parquedb] collection "Kinds": row 0: field "flag": expected boolean, got "true"')
    expect(oneError('flag', 1)).toBe('[parquedb] collection "Kinds": row 0: field "flag": expected boolean, got 1')
  })

  it('timestamp: Dates, ISO-8601 strings and integer epoch ms become Dates', () => {
    const at = (value: unknown) => (one('at', value) as Date).toISOString()
    expect(at(new Date('2024-03-01T12:34:56.789Z'))).toBe('2024-03-01T12:34:56.789Z')
    expect(one('at', new Date(5))).not.toBe(undefined)
    expect(at('2024-03-01T12:34:56.789Z')).toBe('2024-03-01T12:34:56.789Z')
    expect(at('2024-03-01T12:34:56.789123456Z')).toBe('2024-03-01T12:34:56.789Z')
    expect(at('2024-03-01T12:34:56+02:00')).toBe('2024-03-01T10:34:56.000Z')
    expect(at('2024-03-01T12:34:56.5-0130')).toBe('2024-03-01T14:04:56.500Z')
    expect(at('2024-03-01 12:34')).toBe('2024-03-01T12:34:00.000Z')
    expect(at('2024-03-01')).toBe('2024-03-01T00:00:00.000Z')
    expect(at('0001-01-01T00:00:00Z')).toBe('0001-01-01T00:00:00.000Z')
    expect(at(0)).toBe('1970-01-01T00:00:00.000Z')
    expect(at(-1)).toBe('1969-12-31T23:59:59.999Z')
    expect(at(1_700_000_000_123)).toBe('2023-11-14T22:13:20.123Z')
    const input = new Date(1000)
    expect(one('at', input)).not.toBe(input)
    const note = ' (use a Date, an ISO-8601 string or integer epoch milliseconds)'
    expect(oneError('at', 'March 7, 2024')).toBe(`[parquedb] collection "Kinds": row 0: field "at": expected timestamp, got "March 7, 2024"${note}`)
    expect(oneError('at', '2024-02-30T00:00:00Z')).toBe(`[parquedb] collection "Kinds": row 0: field "at": expected timestamp, got "2024-02-30T00:00:00Z"${note}`)
    expect(oneError('at', '2024-01-01T24:00:00Z')).toBe(`[parquedb] collection "Kinds": row 0: field "at": expected timestamp, got "2024-01-01T24:00:00Z"${note}`)
    expect(oneError('at', new Date(NaN))).toBe(`[parquedb] collection "Kinds": row 0: field "at": expected timestamp, got Invalid Date${note}`)
    expect(oneError('at', 1.5)).toBe(`[parquedb] collection "Kinds": row 0: field "at": expected timestamp, got 1.5${note}`)
    expect(oneError('at', 8.64e15 + 1)).toBe(`[parquedb] collection "Kinds": row 0: field "at": expected timestamp, got 8640000000000001${note}`)
    expect(oneError('at', true)).toBe(`[parquedb] collection "Kinds": row 0: field "at": expected timestamp, got true${note}`)
  })

  it("date: 'YYYY-MM-DD' or the UTC day of a Date", () => {
    expect(one('day', '2024-02-29')).toBe('2024-02-29')
    expect(one('day', '1900-01-01')).toBe('1900-01-01')
    expect(one('day', new Date('2024-05-06T23:59:59.999Z'))).toBe('2024-05-06')
    expect(one('day', new Date('1969-12-31T12:00:00Z'))).toBe('1969-12-31')
    expect(oneError('day', '2023-02-29')).toBe(`[parquedb] collection "Kinds": row 0: field "day": expected date, got "2023-02-29" (use 'YYYY-MM-DD' or a Date)`)
    expect(oneError('day', '2024-1-5')).toBe(`[parquedb] collection "Kinds": row 0: field "day": expected date, got "2024-1-5" (use 'YYYY-MM-DD' or a Date)`)
    expect(oneError('day', '2024-01-05T00:00:00Z')).toBe(`[parquedb] collection "Kinds": row 0: field "day": expected date, got "2024-01-05T00:00:00Z" (use 'YYYY-MM-DD' or a Date)`)
    expect(oneError('day', 19000)).toBe(`[parquedb] collection "Kinds": row 0: field "day": expected date, got 19000 (use 'YYYY-MM-DD' or a Date)`)
  })

  it('variant: any JSON value, deep-copied', () => {
    const input = { a: { b: [1, 'two', null, true, { c: -0 }] }, d: undefined, e: new Date(0), s: '😀' }
    const value = one('v', input) as Record<string, unknown>
    expect(value).toEqual({ a: { b: [1, 'two', null, true, { c: 0 }] }, e: '1970-01-01T00:00:00.000Z', s: '😀' })
    expect(value).not.toBe(input)
    expect(value.a).not.toBe(input.a)
    expect(Object.keys(value)).toEqual(['a', 'e', 's'])
    expect(one('v', [1, undefined, 3])).toEqual([1, null, 3])
    expect(one('v', 'text')).toBe('text')
    expect(one('v', 0)).toBe(0)
    expect(one('v', false)).toBe(false)
    expect(one('v', [])).toEqual([])
    const proto = one('v', JSON.parse('{"__proto__": {"x": 1}}')) as Record<string, unknown>
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype)
    expect(Object.keys(proto)).toEqual(['__proto__'])
    const shared = { k: 1 }
    expect(one('v', [shared, shared])).toEqual([{ k: 1 }, { k: 1 }])

    expect(oneError('v', { a: { fn: () => 1 } })).toBe('[parquedb] collection "Kinds": row 0: field "v.a.fn": expected JSON value, got function')
    expect(oneError('v', { a: [1, 2n] })).toBe('[parquedb] collection "Kinds": row 0: field "v.a[1]": expected JSON value, got 2n (bigint is not JSON; use a number or a string)')
    expect(oneError('v', { 'a b': Symbol('s') })).toBe('[parquedb] collection "Kinds": row 0: field "v["a b"]": expected JSON value, got symbol')
    expect(oneError('v', { n: NaN })).toBe('[parquedb] collection "Kinds": row 0: field "v.n": expected JSON value, got NaN (numbers must be finite)')
    expect(oneError('v', { m: new Map() })).toBe('[parquedb] collection "Kinds": row 0: field "v.m": expected JSON value, got Map')
    const cyclic: Record<string, unknown> = { a: 1 }
    cyclic.self = { back: cyclic }
    expect(oneError('v', cyclic)).toBe('[parquedb] collection "Kinds": row 0: field "v.self.back": expected JSON value, got object (cyclic reference)')
    let deep: unknown = 1
    for (let i = 0; i < 300; i++) deep = [deep]
    expect(oneError('v', deep)).toMatch(/expected JSON value, got array\(1\) \(nested deeper than 256 levels\)$/)
  })

  it('arrays: every element must satisfy the element kind', () => {
    expect(one('tags', ['a', 'b'])).toEqual(['a', 'b'])
    expect(one('tags', [])).toEqual([])
    expect(one('nums', [1, -2147483648])).toEqual([1, -2147483648])
    expect((one('times', ['2024-01-01', 0]) as Date[]).map(d => d.getTime())).toEqual([Date.UTC(2024, 0, 1), 0])
    expect(one('logs', [{ level: 'info' }, null, 3, 'x', [1]])).toEqual([{ level: 'info' }, null, 3, 'x', [1]])
    expect(one('links', ['t1', 't2'])).toEqual(['t1', 't2'])
    expect(oneError('tags', 'a')).toBe('[parquedb] collection "Kinds": row 0: field "tags": expected string[], got "a"')
    expect(oneError('tags', ['a', 5])).toBe('[parquedb] collection "Kinds": row 0: field "tags[1]": expected string, got 5')
    expect(oneError('tags', ['a', null])).toBe('[parquedb] collection "Kinds": row 0: field "tags[1]": expected string, got null')
    expect(oneError('nums', [1, 2, 3e10])).toBe('[parquedb] collection "Kinds": row 0: field "nums[2]": expected int, got 30000000000 (outside -2147483648..2147483647)')
    expect(oneError('logs', [{ a: 1 }, { a: [() => 0] }])).toBe('[parquedb] collection "Kinds": row 0: field "logs[1].a[0]": expected JSON value, got function')
    expect(oneError('links', ['t1', ''])).toBe('[parquedb] collection "Kinds": row 0: field "links[1]": expected $id of Tag, got "" (ids cannot be empty)')
  })

  it('fills every optional field of a full row with null', () => {
    const [row] = validateRows(kinds, [{}])
    expect(row).toEqual({ s: null, i: null, b: null, f: null, d: null, dec: null, rate: null, big: null, small: null, flag: null, at: null, day: null, v: null, logs: null, tags: null, nums: null, times: null, links: null })
  })
})
