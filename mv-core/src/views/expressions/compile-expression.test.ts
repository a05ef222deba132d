import { describe, expect, it } from 'vitest'
import type { Row } from '../../schema/types.ts'
import { compileExpression } from './compile-expression.ts'

const label = 'view "V": $compute.x'

function evaluate(expression: unknown, row: Row = {}): unknown {
  return compileExpression(expression, { label })(row)
}

const row: Row = {
  cached: true,
  outcome: 'exception',
  latencyMs: 120,
  tokens: 7n,
  at: new Date('2026-01-02T03:04:05.000Z'),
  event: { request: { url: 'https://x.test/a', method: 'GET' } },
  exceptions: [{ name: 'TypeError' }],
  empty: '',
  zero: 0,
  nothing: null,
  $id: 'r1',
}

describe('compileExpression: field references and literals', () => {
  it('reads top-level and dotted paths, array indexes included', () => {
    expect(evaluate('$latencyMs', row)).toBe(120)
    expect(evaluate('$event.request.url', row)).toBe('https://x.test/a')
    expect(evaluate('$exceptions.0.name', row)).toBe('TypeError')
  })

  it('reads missing fields and broken paths as null, never undefined', () => {
    expect(evaluate('$missing', row)).toBeNull()
    expect(evaluate('$event.response.status', row)).toBeNull()
    expect(evaluate('$exceptions.5.name', row)).toBeNull()
    expect(evaluate('$latencyMs.x', row)).toBeNull()
  })

  it('does not reach Object.prototype through a path', () => {
    expect(evaluate('$constructor', {})).toBeNull()
    expect(evaluate('$event.__proto__', row)).toBeNull()
  })

  it("reads the system field $id as '$$id'", () => {
    expect(evaluate('$$id', row)).toBe('r1')
  })

  it('returns literals as they are', () => {
    expect(evaluate('ok')).toBe('ok')
    expect(evaluate(42)).toBe(42)
    expect(evaluate(false)).toBe(false)
    expect(evaluate(null)).toBeNull()
    expect(evaluate(5n)).toBe(5n)
    const date = new Date(5)
    expect(evaluate(date)).toBe(date)
  })

  it('$literal takes any value verbatim, a $-string or an object', () => {
    expect(evaluate({ $literal: '$notAField' }, row)).toBe('$notAField')
    expect(evaluate({ $literal: { $cond: 1 } })).toEqual({ $cond: 1 })
    expect(evaluate({ $literal: [1, 2] })).toEqual([1, 2])
  })
})

describe('compileExpression: $cond', () => {
  it('takes [if, then, else] and { if, then, else }', () => {
    expect(evaluate({ $cond: ['$cached', 1, 0] }, row)).toBe(1)
    expect(evaluate({ $cond: { if: '$cached', then: 'hit', else: 'miss' } }, { cached: false })).toBe('miss')
  })

  it('tests JavaScript truthiness: null, missing, false, 0, NaN, empty string and 0n are false', () => {
    for (const value of [null, false, 0, -0, Number.NaN, '', 0n]) expect(evaluate({ $cond: ['$v', 1, 0] }, { v: value })).toBe(0)
    expect(evaluate({ $cond: ['$v', 1, 0] }, {})).toBe(0)
    for (const value of [true, 1, -1, 'no', [], {}, new Date(0), 1n]) expect(evaluate({ $cond: ['$v', 1, 0] }, { v: value })).toBe(1)
  })

  it('evaluates only the branch taken', () => {
    expect(evaluate({ $cond: [true, '$latencyMs', { $divide: [1, 0] }] }, row)).toBe(120)
  })

  it('nests', () => {
    const status = { $cond: [{ $gte: ['$code', 500] }, 'server', { $cond: [{ $gte: ['$code', 400] }, 'client', 'ok'] }] }
    expect([503, 404, 200].map((code) => evaluate(status, { code }))).toEqual(['server', 'client', 'ok'])
  })
})

describe('compileExpression: $exists', () => {
  it('is true when the value is not null or missing', () => {
    expect(evaluate({ $exists: '$outcome' }, row)).toBe(true)
    expect(evaluate({ $exists: '$error' }, row)).toBe(false)
    expect(evaluate({ $exists: '$nothing' }, row)).toBe(false)
    expect(evaluate({ $exists: '$zero' }, row)).toBe(true)
    expect(evaluate({ $exists: '$empty' }, row)).toBe(true)
    expect(evaluate({ $exists: '$event.request.method' }, row)).toBe(true)
  })

  it('negates with [path, false]', () => {
    expect(evaluate({ $exists: ['$error', false] }, row)).toBe(true)
    expect(evaluate({ $exists: ['$outcome', false] }, row)).toBe(false)
    expect(evaluate({ $exists: ['$outcome', true] }, row)).toBe(true)
  })

  it('takes an expression too', () => {
    expect(evaluate({ $exists: { $divide: ['$latencyMs', '$zero'] } }, row)).toBe(false)
  })

  it('counts errors in a $cond, as the API contract writes it', () => {
    const errorFlag = { $cond: [{ $exists: '$error' }, 1, 0] }
    expect([{ error: { message: 'boom' } }, {}, { error: null }].map((r) => evaluate(errorFlag, r))).toEqual([1, 0, 0])
  })
})

describe('compileExpression: comparisons', () => {
  it('$eq/$ne: two-valued, null equals null and missing, differs from any value', () => {
    expect(evaluate({ $eq: ['$outcome', 'exception'] }, row)).toBe(true)
    expect(evaluate({ $ne: ['$outcome', 'ok'] }, row)).toBe(true)
    expect(evaluate({ $ne: ['$outcome', 'ok'] }, {})).toBe(true)
    expect(evaluate({ $eq: ['$missing', null] }, row)).toBe(true)
    expect(evaluate({ $eq: ['$missing', '$nothing'] }, row)).toBe(true)
    expect(evaluate({ $eq: ['$zero', null] }, row)).toBe(false)
    expect(evaluate({ $eq: ['$empty', null] }, row)).toBe(false)
  })

  it('$eq: numbers with bigints by value, Dates by instant, objects deeply, NaN equals NaN', () => {
    expect(evaluate({ $eq: ['$tokens', 7] }, row)).toBe(true)
    expect(evaluate({ $eq: ['$at', new Date('2026-01-02T03:04:05.000Z')] }, row)).toBe(true)
    expect(evaluate({ $eq: ['$v', { $literal: { b: [1, 2], a: 1 } }] }, { v: { a: 1, b: [1, 2] } })).toBe(true)
    expect(evaluate({ $eq: ['$v', Number.NaN] }, { v: Number.NaN })).toBe(true)
  })

  it('$eq: values of different types are never equal', () => {
    expect(evaluate({ $eq: ['$v', '5'] }, { v: 5 })).toBe(false)
    expect(evaluate({ $eq: ['$v', 1] }, { v: true })).toBe(false)
    expect(evaluate({ $eq: ['$v', 5] }, { v: new Date(5) })).toBe(false)
    expect(evaluate({ $ne: ['$v', '5'] }, { v: 5 })).toBe(true)
  })

  it('orders numbers (bigints included), strings, booleans and Dates', () => {
    expect(evaluate({ $gt: ['$latencyMs', 100] }, row)).toBe(true)
    expect(evaluate({ $gte: ['$latencyMs', 120] }, row)).toBe(true)
    expect(evaluate({ $lt: ['$latencyMs', 120] }, row)).toBe(false)
    expect(evaluate({ $lte: ['$tokens', 7.5] }, row)).toBe(true)
    expect(evaluate({ $gt: [2n ** 64n, 1.8e19] })).toBe(true)
    expect(evaluate({ $lt: ['Z', 'a'] })).toBe(true)
    expect(evaluate({ $gt: [true, false] })).toBe(true)
    expect(evaluate({ $lt: ['$at', new Date('2026-01-02T03:04:06.000Z')] }, row)).toBe(true)
    expect(evaluate({ $gte: ['$at', { $literal: new Date('2026-01-02T03:04:05.000Z') }] }, row)).toBe(true)
  })

  it('ordering across types, with null, objects or NaN is always false', () => {
    const cases: [unknown, unknown][] = [
      [5, '6'],
      ['5', 6],
      [null, 1],
      [1, null],
      [null, null],
      [new Date(5), 6],
      [[1], [2]],
      [{ a: 1 }, { a: 2 }],
      [Number.NaN, 1],
      [1, Number.NaN],
      [new Date(Number.NaN), new Date(0)],
    ]
    for (const [a, b] of cases) {
      for (const op of ['$gt', '$gte', '$lt', '$lte']) expect(evaluate({ [op]: ['$a', '$b'] }, { a, b }), `${op} ${String(a)} ${String(b)}`).toBe(false)
    }
  })
})

describe('compileExpression: logic', () => {
  it('$and/$or short-circuit by truthiness and return booleans', () => {
    expect(evaluate({ $and: ['$cached', { $gt: ['$latencyMs', 100] }] }, row)).toBe(true)
    expect(evaluate({ $and: ['$cached', '$zero'] }, row)).toBe(false)
    expect(evaluate({ $or: ['$zero', '$empty', '$outcome'] }, row)).toBe(true)
    expect(evaluate({ $or: ['$zero', '$nothing'] }, row)).toBe(false)
    expect(evaluate({ $and: ['$v'] }, { v: 3 })).toBe(true)
    expect(evaluate({ $and: [false, { $divide: [1, 0] }] }, row)).toBe(false)
  })

  it('$not takes an operand or a one-element array', () => {
    expect(evaluate({ $not: '$cached' }, row)).toBe(false)
    expect(evaluate({ $not: ['$nothing'] }, row)).toBe(true)
    expect(evaluate({ $not: { $eq: ['$outcome', 'ok'] } }, row)).toBe(true)
  })
})

describe('compileExpression: arithmetic', () => {
  it('adds, subtracts, multiplies and divides numbers', () => {
    expect(evaluate({ $add: ['$latencyMs', 1, 2] }, row)).toBe(123)
    expect(evaluate({ $subtract: ['$latencyMs', 20] }, row)).toBe(100)
    expect(evaluate({ $multiply: ['$latencyMs', 0.5, 2] }, row)).toBe(120)
    expect(evaluate({ $divide: ['$latencyMs', 1000] }, row)).toBe(0.12)
  })

  it('keeps bigint with bigint, and mixes bigint with number as a double', () => {
    expect(evaluate({ $add: ['$tokens', 1n] }, row)).toBe(8n)
    expect(evaluate({ $multiply: ['$tokens', 3n] }, row)).toBe(21n)
    expect(evaluate({ $add: ['$tokens', 0.5] }, row)).toBe(7.5)
    expect(evaluate({ $divide: ['$tokens', 2n] }, row)).toBe(3.5)
  })

  it('is null when any operand is null, missing or not a number', () => {
    expect(evaluate({ $add: ['$latencyMs', '$missing'] }, row)).toBeNull()
    expect(evaluate({ $add: ['$missing', 1, 2] }, row)).toBeNull()
    expect(evaluate({ $multiply: ['$latencyMs', 'x'] }, row)).toBeNull()
    expect(evaluate({ $subtract: [true, 1] })).toBeNull()
    expect(evaluate({ $divide: [null, 1] })).toBeNull()
  })

  it('divides by zero to null', () => {
    expect(evaluate({ $divide: ['$latencyMs', 0] }, row)).toBeNull()
    expect(evaluate({ $divide: [1n, 0n] })).toBeNull()
    expect(evaluate({ $divide: [0, '$zero'] }, row)).toBeNull()
  })

  it('shifts Dates by milliseconds and subtracts Dates to milliseconds', () => {
    expect(evaluate({ $add: ['$at', 1000] }, row)).toEqual(new Date('2026-01-02T03:04:06.000Z'))
    expect(evaluate({ $add: [60_000, '$at'] }, row)).toEqual(new Date('2026-01-02T03:05:05.000Z'))
    expect(evaluate({ $subtract: ['$at', 5000] }, row)).toEqual(new Date('2026-01-02T03:04:00.000Z'))
    expect(evaluate({ $subtract: ['$at', new Date('2026-01-02T00:00:00.000Z')] }, row)).toBe(11_045_000)
  })

  it('rejects other Date mixes with null', () => {
    expect(evaluate({ $add: ['$at', '$at'] }, row)).toBeNull()
    expect(evaluate({ $subtract: [5, '$at'] }, row)).toBeNull()
    expect(evaluate({ $multiply: ['$at', 2] }, row)).toBeNull()
    expect(evaluate({ $divide: ['$at', 2] }, row)).toBeNull()
  })

  it('does not change the Date it reads', () => {
    const at = new Date(1000)
    evaluate({ $add: ['$at', 1] }, { at })
    expect(at.getTime()).toBe(1000)
  })
})

describe('compileExpression: $ifNull and conversions', () => {
  it('$ifNull gives the first operand that is not null', () => {
    expect(evaluate({ $ifNull: ['$missing', '$nothing', 'n/a'] }, row)).toBe('n/a')
    expect(evaluate({ $ifNull: ['$zero', 5] }, row)).toBe(0)
    expect(evaluate({ $ifNull: ['$missing', '$outcome'] }, row)).toBe('exception')
  })

  it('$toString', () => {
    expect(evaluate({ $toString: '$latencyMs' }, row)).toBe('120')
    expect(evaluate({ $toString: ['$tokens'] }, row)).toBe('7')
    expect(evaluate({ $toString: '$at' }, row)).toBe('2026-01-02T03:04:05.000Z')
    expect(evaluate({ $toString: '$cached' }, row)).toBe('true')
    expect(evaluate({ $toString: '$exceptions' }, row)).toBe('[{"name":"TypeError"}]')
    expect(evaluate({ $toString: '$missing' }, row)).toBeNull()
  })

  it('$toNumber', () => {
    expect(evaluate({ $toNumber: '$v' }, { v: '12345678901234567.89' })).toBe(12345678901234568)
    expect(evaluate({ $toNumber: '$v' }, { v: ' -1.5e3 ' })).toBe(-1500)
    expect(evaluate({ $toNumber: '$tokens' }, row)).toBe(7)
    expect(evaluate({ $toNumber: '$cached' }, row)).toBe(1)
    expect(evaluate({ $toNumber: '$at' }, row)).toBe(Date.UTC(2026, 0, 2, 3, 4, 5))
    expect(evaluate({ $toNumber: '$v' }, { v: 'abc' })).toBeNull()
    expect(evaluate({ $toNumber: '$v' }, { v: '' })).toBeNull()
    expect(evaluate({ $toNumber: '$v' }, { v: new Date(Number.NaN) })).toBeNull()
    expect(evaluate({ $toNumber: '$missing' }, row)).toBeNull()
  })

  it('makes wide decimal strings usable in arithmetic', () => {
    expect(evaluate({ $multiply: [{ $toNumber: '$price' }, 2] }, { price: '10.2500000000' })).toBe(20.5)
  })
})

describe('compileExpression: the API contract examples', () => {
  it('evaluates the DailyAIUsage expressions', () => {
    const rows: Row[] = [
      { cached: true, outcome: 'ok' },
      { cached: false, outcome: 'exception', error: { message: 'x' } },
      { outcome: 'ok' },
    ]
    const hit = compileExpression({ $cond: ['$cached', 1, 0] }, { label })
    const error = compileExpression({ $cond: [{ $exists: '$error' }, 1, 0] }, { label })
    const notOk = compileExpression({ $cond: [{ $ne: ['$outcome', 'ok'] }, 1, 0] }, { label })
    expect(rows.map(hit)).toEqual([1, 0, 0])
    expect(rows.map(error)).toEqual([0, 1, 0])
    expect(rows.map(notOk)).toEqual([0, 1, 0])
  })
})
