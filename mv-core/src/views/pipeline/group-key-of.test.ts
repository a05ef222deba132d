import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { valuesEqual } from '../../query/values-equal.ts'
import { MAX_ID_LENGTH } from '../../schema/value-normalizer.ts'
import { boundedId } from './bounded-id.ts'
import { encodeKey } from './encode-key.ts'
import { groupKeyOf } from './group-key-of.ts'
import { planOf, testPlan } from './test-fixtures.ts'

/** What the id normalizer rejects: control characters and lone surrogates. */
const INVALID_ID = /[\u0000-\u001f\u007f]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

describe('encodeKey', () => {
  it('writes each kind of value as a self-delimiting token', () => {
    expect(encodeKey([])).toBe('[]')
    expect(encodeKey(['paid', 'a,"b"'])).toBe('["paid","a,\\"b\\""]')
    expect(encodeKey([null, undefined, true, false])).toBe('[null,null,true,false]')
    expect(encodeKey([1.5, -0, Number.NaN, Number.NEGATIVE_INFINITY, 12n])).toBe('[1.5,0,NaN,-Infinity,12n]')
    expect(encodeKey([new Date('2024-01-15T00:00:00Z'), new Date(Number.NaN)])).toBe('[2024-01-15T00:00:00.000Z,InvalidDate]')
    expect(encodeKey([{ b: [1, { d: null, c: undefined }], a: 'x' }])).toBe('[{"a":"x","b":[1,{"d":null}]}]')
    expect(encodeKey(['\u0001\u007f'])).toBe('["\\u0001\\u007f"]')
  })

  it('tells apart values of different kinds that print alike', () => {
    const values = ['1', 1, 1n, 'null', null, 'true', true, '2024-01-15T00:00:00.000Z', new Date('2024-01-15T00:00:00Z'), ['a'], '["a"]', { a: 1 }]
    expect(new Set(values.map((value) => encodeKey([value]))).size).toBe(values.length)
    expect(encodeKey(['a', 'b'])).not.toBe(encodeKey(['a,b']))
  })

  it('is injective on JSON-like values up to valuesEqual', () => {
    const value = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.date({ noInvalidDate: true }),
      fc.bigInt({ min: -100n, max: 100n }),
    )
    fc.assert(
      fc.property(fc.array(value, { maxLength: 3 }), fc.array(value, { maxLength: 3 }), (a, b) => {
        const sameText = encodeKey(a) === encodeKey(b)
        // bigints and numbers are valuesEqual but different keys; everything else must agree.
        const mixesBigints = (xs: unknown[]) => xs.some((x) => typeof x === 'bigint')
        if (!mixesBigints(a) && !mixesBigints(b)) expect(sameText).toBe(valuesEqual(a, b) && a.length === b.length)
        else if (sameText) expect(valuesEqual(a, b)).toBe(true)
      }),
      { numRuns: 500 },
    )
  })
})

describe('boundedId', () => {
  it('keeps short texts and shortens long ones to the limit, with a hash', () => {
    expect(boundedId('["paid"]')).toBe('["paid"]')
    const long = `["${'y'.repeat(400)}"]`
    const id = boundedId(long)
    expect(id).toHaveLength(MAX_ID_LENGTH)
    expect(id).toMatch(/^\["y+~[0-9a-f]{16}$/)
    expect(boundedId(`["${'y'.repeat(400)}z"]`)).not.toBe(id)
  })

  it('never splits a surrogate pair', () => {
    const text = `${'a'.repeat(238)}${'😀'.repeat(20)}`
    const id = boundedId(text)
    expect(id.length).toBeLessThanOrEqual(MAX_ID_LENGTH)
    expect(INVALID_ID.test(id)).toBe(false)
  })
})

describe('groupKeyOf', () => {
  it('DailySales: a calendar day of createdAt and the status', () => {
    const plan = testPlan('DailySales')
    expect(groupKeyOf(plan, { createdAt: new Date('2024-01-15T23:59:59Z'), status: 'paid' })).toEqual({
      id: '["2024-01-15","paid"]',
      values: ['2024-01-15', 'paid'],
      fields: { date: '2024-01-15', status: 'paid' },
    })
    expect(groupKeyOf(plan, {}).id).toBe('[null,null]')
  })

  it('EvalTrends: week buckets are Dates, written as ISO in the id', () => {
    const key = groupKeyOf(testPlan('EvalTrends'), { suiteName: 's', scorerName: 'exact', timestamp: new Date('2024-01-17T12:00:00Z') })
    expect(key.id).toBe('["s","exact",2024-01-15T00:00:00.000Z]')
    expect(key.fields).toEqual({ suiteName: 's', scorerName: 'exact', week: new Date('2024-01-15T00:00:00Z') })
  })

  it('equal keys give equal ids, whatever else the rows hold', () => {
    const plan = testPlan('RequestsByMethod')
    const a = groupKeyOf(plan, { scriptName: 'api', event: { request: { method: 'GET', url: '/a' } }, eventTimestamp: new Date('2024-01-15T10:05:00Z') })
    const b = groupKeyOf(plan, { scriptName: 'api', event: { request: { url: '/b', method: 'GET' } }, eventTimestamp: new Date('2024-01-15T10:55:00Z'), outcome: 'ok' })
    expect(a.id).toBe(b.id)
    expect(a.id).toBe('["api","GET",2024-01-15T10:00:00.000Z]')
  })

  it('a view without $groupBy has one group', () => {
    const plan = planOf('Total', { $from: 'Order', $compute: { n: { $count: '*' } } })
    expect(groupKeyOf(plan, { total: 5 })).toEqual({ id: '[]', values: [], fields: {} })
  })

  it('ids are always valid: at most 256 characters, no control characters or lone surrogates', () => {
    const plan = planOf('ByName', { $from: 'Customer', $groupBy: ['name', 'tier'], $compute: { n: { $count: '*' } } })
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.option(fc.string({ unit: 'grapheme', maxLength: 200 })), (name, tier) => {
        const { id } = groupKeyOf(plan, { name, tier })
        expect(id.length).toBeLessThanOrEqual(MAX_ID_LENGTH)
        expect(INVALID_ID.test(id)).toBe(false)
      }),
      { numRuns: 150 },
    )
  })
})
