import { describe, expect, it } from 'vitest'
import { validateFindOptions } from './find-options.ts'
import { badFilterError } from './test-fixtures.ts'

const label = 'collection "TailEvents"'

describe('validateFindOptions', () => {
  it('accepts well-formed options and returns them', () => {
    const options = { sort: { eventTimestamp: -1 as const }, limit: 20, skip: 0, project: ['outcome'], asOf: 3 }
    expect(validateFindOptions(options, label)).toBe(options)
    expect(validateFindOptions({ asOf: new Date('2026-01-01T00:00:00Z') }, label)).toBeTruthy()
    expect(validateFindOptions({ limit: undefined }, label)).toEqual({ limit: undefined })
    expect(validateFindOptions(undefined, label)).toEqual({})
    expect(validateFindOptions({ limit: 0, asOf: 0 }, label)).toBeTruthy()
  })

  it.each([
    [{ limit: -1 }, 'limit', /find option "limit" must be a non-negative integer, got -1/],
    [{ limit: 1.5 }, 'limit', /got 1\.5/],
    [{ limit: '10' }, 'limit', /got "10"/],
    [{ limit: Number.POSITIVE_INFINITY }, 'limit', /got Infinity/],
    [{ skip: -5 }, 'skip', /find option "skip" must be a non-negative integer, got -5/],
    [{ skip: Number.NaN }, 'skip', /got NaN/],
    [{ asOf: -1 }, 'asOf', /find option "asOf" must be a commit version \(non-negative integer\) or a valid Date, got -1/],
    [{ asOf: new Date(Number.NaN) }, 'asOf', /got Invalid Date/],
    [{ asOf: '2026-01-01' }, 'asOf', /got "2026-01-01"/],
    [{ limt: 5 }, 'limt', /unknown find option "limt" \(expected sort, limit, skip, project, asOf\)/],
    [{ sort: { a: 'desc' } }, 'sort', /sort: field "a" has direction "desc"/],
    [{ project: { a: 1, b: 0 } }, 'project', /projection: cannot mix kept fields/],
  ])('rejects %o', (options, option, message) => {
    const error = badFilterError(() => validateFindOptions(options, label))
    expect(error.message).toMatch(message)
    expect(error.message).toContain(label)
    expect(error.details.option).toBe(option)
  })

  it('rejects options that are not an object', () => {
    expect(badFilterError(() => validateFindOptions([], label)).message).toMatch(/find options must be an object, got array/)
  })
})
