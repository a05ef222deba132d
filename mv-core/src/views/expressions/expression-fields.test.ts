import { describe, expect, it } from 'vitest'
import { expressionFields } from './expression-fields.ts'

describe('expressionFields', () => {
  it('lists the top-level fields read, in first-use order, without repeats', () => {
    expect(expressionFields('$event.request.url')).toEqual(['event'])
    expect(expressionFields({ $cond: [{ $exists: '$error.message' }, '$status', '$error.code'] })).toEqual(['error', 'status'])
    expect(expressionFields({ $cond: { if: '$cached', then: '$a', else: { $add: ['$b', '$a'] } } })).toEqual(['cached', 'a', 'b'])
    expect(expressionFields({ $exists: ['$exceptions.0.name', false] })).toEqual(['exceptions'])
  })

  it('ignores literals, $literal contents and invalid references', () => {
    expect(expressionFields('ok')).toEqual([])
    expect(expressionFields(5)).toEqual([])
    expect(expressionFields({ $literal: '$notAField' })).toEqual([])
    expect(expressionFields({ $eq: ['$', '$.x'] })).toEqual([])
  })

  it("reads '$$id' as the system field $id", () => {
    expect(expressionFields({ $eq: ['$$id', 'x'] })).toEqual(['$id'])
  })
})
