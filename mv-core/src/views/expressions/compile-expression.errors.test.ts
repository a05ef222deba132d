import { describe, expect, it } from 'vitest'
import { ParqueDBError } from '../../errors.ts'
import { compileExpression } from './compile-expression.ts'

const label = 'view "DailySales": $compute.revenue'

function failure(expression: unknown, at?: string): ParqueDBError {
  try {
    compileExpression(expression, at === undefined ? { label } : { label, at })
  } catch (error) {
    if (ParqueDBError.isInstance(error, 'SCHEMA')) return error
    throw error
  }
  throw new Error('expected a SCHEMA error')
}

const message = (expression: unknown, at?: string) => failure(expression, at).message

describe('compileExpression: errors', () => {
  it('names the label and the unknown operator', () => {
    expect(message({ $summ: '$x' })).toBe('[parquedb] view "DailySales": $compute.revenue: unknown operator $summ')
    expect(failure({ $summ: '$x' }).details).toEqual({ label, operator: '$summ' })
  })

  it('says where a nested problem sits', () => {
    expect(message({ $cond: [{ $eq: [1, 2, 3] }, 1, 0] })).toBe(
      '[parquedb] view "DailySales": $compute.revenue: $eq needs exactly 2 operands, got 3 (at $cond[0])',
    )
    expect(message({ $cond: { if: true, then: { $add: [1, { $nope: 1 }] }, else: 0 } })).toBe(
      '[parquedb] view "DailySales": $compute.revenue: unknown operator $nope (at $cond.then.$add[1])',
    )
    expect(message({ $nope: 1 }, '$sum')).toBe('[parquedb] view "DailySales": $compute.revenue: unknown operator $nope (at $sum)')
    expect(failure({ $and: [true, { $not: [1, 2] }] }).details).toEqual({ label, at: '$and[1]', operator: '$not' })
  })

  it('rejects two operators in one object, and an operator beside other keys', () => {
    expect(message({ $eq: [1, 1], $ne: [1, 2] })).toMatch(/exactly one operator, got \$eq and \$ne$/)
    expect(message({ $eq: [1, 1], note: 'x' })).toMatch(/\$eq cannot share its object with other keys \(note\)$/)
  })

  it('rejects objects without an operator, empty objects and arrays', () => {
    expect(message({ a: 1, b: 2 })).toMatch(/an object without an operator is not an expression \(keys: a, b\); use \{ \$literal/)
    expect(message({})).toMatch(/an empty object is not an expression/)
    expect(message([1, 2])).toMatch(/an array is not an expression/)
  })

  it('rejects values that are not expressions', () => {
    expect(message(undefined)).toMatch(/: undefined is not an expression$/)
    expect(message(new Map())).toMatch(/: Map is not an expression$/)
    expect(message(() => 1)).toMatch(/: function is not an expression$/)
    expect(message(new Date(Number.NaN))).toMatch(/Invalid Date/)
    expect(message({ $literal: undefined })).toMatch(/\$literal needs a value/)
  })

  it('rejects malformed field references', () => {
    expect(message('$')).toMatch(/invalid field reference "\$"/)
    expect(message('$a..b')).toMatch(/invalid field reference "\$a\.\.b"/)
    expect(message({ $eq: ['$a.', 1] })).toMatch(/invalid field reference "\$a\.": .*\(at \$eq\[0\]\)$/)
  })

  it('checks operand counts and shapes', () => {
    expect(message({ $eq: 1 })).toMatch(/\$eq expects an array of exactly 2 operands, got 1$/)
    expect(message({ $gt: [1] })).toMatch(/\$gt needs exactly 2 operands, got 1$/)
    expect(message({ $subtract: [1, 2, 3] })).toMatch(/\$subtract needs exactly 2 operands, got 3$/)
    expect(message({ $divide: [1] })).toMatch(/\$divide needs exactly 2 operands, got 1$/)
    expect(message({ $add: [1] })).toMatch(/\$add needs at least 2 operands, got 1$/)
    expect(message({ $multiply: 'x' })).toMatch(/\$multiply expects an array of at least 2 operands, got "x"$/)
    expect(message({ $and: [] })).toMatch(/\$and needs at least 1 operands, got 0$/)
    expect(message({ $or: true })).toMatch(/\$or expects an array/)
    expect(message({ $ifNull: ['$a'] })).toMatch(/\$ifNull needs at least 2 operands, got 1$/)
    expect(message({ $not: [1, 2] })).toMatch(/\$not takes one operand, got 2$/)
    expect(message({ $toNumber: [] })).toMatch(/\$toNumber takes one operand, got 0$/)
  })

  it('checks $cond in both forms', () => {
    expect(message({ $cond: [1, 2] })).toMatch(/\$cond needs exactly 3 operands, got 2$/)
    expect(message({ $cond: 'x' })).toMatch(/\$cond expects \[if, then, else\] or \{ if, then, else \}, got "x"$/)
    expect(message({ $cond: { if: 1, then: 2 } })).toMatch(/\$cond needs if, then and else; missing else$/)
    expect(message({ $cond: { if: 1, then: 2, otherwise: 3 } })).toMatch(/\$cond: unknown key "otherwise" \(expected if, then, else\)$/)
  })

  it('checks $exists', () => {
    expect(message({ $exists: 'error' })).toMatch(/\$exists needs a field reference such as '\$error' or an expression, got "error"$/)
    expect(message({ $exists: true })).toMatch(/\$exists needs a field reference/)
    expect(message({ $exists: ['$error', 'no'] })).toMatch(/\$exists expects '\$path' or \['\$path', true \| false\]/)
    expect(message({ $exists: ['$error'] })).toMatch(/\$exists expects/)
  })

  it('every error is a SCHEMA ParqueDBError', () => {
    const error = failure({ $summ: 1 })
    expect(error).toBeInstanceOf(ParqueDBError)
    expect(error.code).toBe('SCHEMA')
  })
})
