import { describe, expect, it } from 'vitest'
import { filterImplies } from './filter-implies.ts'

const scalar = () => true

describe('filterImplies', () => {
  it.each([
    [{}, {}, true],
    [{ status: 'paid' }, {}, true],
    [{}, { status: 'paid' }, false],
    [{ status: 'paid', total: 5 }, { status: 'paid' }, true],
    [{ status: 'paid' }, { status: { $in: ['paid', 'shipped'] } }, true],
    [{ status: { $in: ['paid', 'new'] } }, { status: { $in: ['paid', 'shipped'] } }, false],
    [{ status: { $in: ['paid'] } }, { status: { $in: ['paid', 'shipped'] } }, true],
    [{ status: 'paid' }, { status: { $ne: 'new' } }, true],
    [{ status: 'new' }, { status: { $ne: 'new' } }, false],
    [{ status: 'paid' }, { status: { $exists: true } }, true],
    [{ status: null }, { status: { $exists: true } }, false],
    [{ total: { $gte: 100 } }, { total: { $gte: 50 } }, true],
    [{ total: { $gt: 50 } }, { total: { $gte: 50 } }, true],
    [{ total: { $gte: 50 } }, { total: { $gt: 50 } }, false],
    [{ total: { $gte: 10 } }, { total: { $gte: 50 } }, false],
    [{ total: { $lt: 10 } }, { total: { $lte: 10 } }, true],
    [{ total: { $lt: 10 } }, { total: { $gte: 0 } }, false],
    [{ total: { $gte: 60, $lt: 70 } }, { total: { $gte: 50, $lt: 100 } }, true],
    [{ total: 75 }, { total: { $gte: 50, $lt: 100 } }, true],
    [{ $and: [{ status: 'paid' }, { total: 75 }] }, { total: { $gte: 50 } }, true],
    [{ $or: [{ status: 'paid' }, { status: 'new' }] }, { status: { $in: ['paid', 'new'] } }, false],
    [{ $or: [{ status: 'paid' }] }, { $or: [{ status: 'paid' }] }, true],
    [{ at: { $gte: new Date(2000) } }, { at: { $gte: new Date(1000) } }, true],
    [{ total: { $gte: '100' } }, { total: { $gte: 50 } }, false],
  ])('%j implies %j: %s', (query, view, expected) => {
    expect(filterImplies(query, view, scalar)).toBe(expected)
  })

  it('reasons beyond identical terms only about scalar fields: on a list, an element match implies no $ne', () => {
    expect(filterImplies({ tags: 'a' }, { tags: { $ne: 'b' } }, () => false)).toBe(false)
    expect(filterImplies({ tags: 'a' }, { tags: 'a' }, () => false)).toBe(true)
  })
})
