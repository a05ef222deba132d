import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Row } from '../schema/types.ts'
import { compileFilter } from './compile-filter.ts'
import { compareValues, typeBracket } from './compare-values.ts'
import { isArrayIndex, isTraversable } from './get-path.ts'
import { valuesEqual } from './values-equal.ts'
import type { Filter } from './types.ts'

/**
 * A direct interpreter of the filter semantics (no schema), written for clarity rather than
 * speed: it lists every value a path reaches, then applies each operator to that list. The
 * compiled closures must agree with it on random rows and filters.
 */
function reference(filter: Record<string, unknown>, row: unknown): boolean {
  return Object.entries(filter).every(([key, spec]) => {
    switch (key) {
      case '$and':
        return (spec as Record<string, unknown>[]).every((part) => reference(part, row))
      case '$or':
        return (spec as Record<string, unknown>[]).some((part) => reference(part, row))
      case '$nor':
        return !(spec as Record<string, unknown>[]).some((part) => reference(part, row))
      case '$not':
        return !reference(spec as Record<string, unknown>, row)
      default:
        return fieldHolds(reached(row, key.split('.')), spec)
    }
  })
}

function reached(value: unknown, segments: readonly string[]): unknown[] {
  if (segments.length === 0) return [value]
  if (!isTraversable(value)) return [undefined]
  const [segment, ...rest] = segments as [string, ...string[]]
  if (!Array.isArray(value)) return reached(own(value, segment), rest)
  if (isArrayIndex(segment)) return reached((value as unknown[])[Number(segment)], rest)
  const objects = (value as unknown[]).filter((element) => isTraversable(element) && !Array.isArray(element)) as object[]
  return objects.length === 0 ? [undefined] : objects.flatMap((element) => reached(own(element, segment), rest))
}

function own(value: object, key: string): unknown {
  return Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined
}

function fieldHolds(values: unknown[], spec: unknown): boolean {
  const isOperators = typeof spec === 'object' && spec !== null && !Array.isArray(spec) && !(spec instanceof Date) && !(spec instanceof RegExp) && Object.keys(spec).some((key) => key.startsWith('$'))
  if (!isOperators) return values.some((value) => elementwise(value, (v) => equal(v, spec)))
  const ops = spec as Record<string, unknown>
  return Object.entries(ops).every(([op, arg]) => {
    switch (op) {
      case '$eq':
        return values.some((value) => elementwise(value, (v) => equal(v, arg)))
      case '$ne':
        return !values.some((value) => elementwise(value, (v) => equal(v, arg)))
      case '$in':
        return values.some((value) => elementwise(value, (v) => (arg as unknown[]).some((item) => equal(v, item))))
      case '$nin':
        return !values.some((value) => elementwise(value, (v) => (arg as unknown[]).some((item) => equal(v, item))))
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte':
        return values.some((value) => elementwise(value, (v) => ordered(op, v, arg)))
      case '$exists':
        return values.some((value) => value !== null && value !== undefined) === arg
      case '$regex': {
        const regex = new RegExp(arg as string, (ops.$options as string | undefined) ?? '')
        return values.some((value) => elementwise(value, (v) => typeof v === 'string' && regex.test(v)))
      }
      case '$options':
        return true
      case '$size':
        return values.some((value) => Array.isArray(value) && value.length === arg)
      case '$not':
        return !fieldHolds(values, arg)
      default:
        throw new Error(`reference: ${op}`)
    }
  })
}

/** A value matches if it does, or (for an array) one of its elements does; object/array operands may match the array whole. */
function elementwise(value: unknown, test: (v: unknown) => boolean): boolean {
  return test(value) || (Array.isArray(value) && value.some(test))
}

function equal(value: unknown, operand: unknown): boolean {
  if (operand === null || operand === undefined) return value === null || value === undefined
  if (operand instanceof RegExp) return typeof value === 'string' && operand.test(value)
  return valuesEqual(value, operand)
}

function ordered(op: string, value: unknown, operand: unknown): boolean {
  if (operand === null) return (op === '$gte' || op === '$lte') && (value === null || value === undefined)
  if (value === null || value === undefined || typeBracket(value) !== typeBracket(operand)) return false
  if (Number.isNaN(value) || Number.isNaN(operand)) return false
  const order = compareValues(value, operand)
  return op === '$gt' ? order > 0 : op === '$gte' ? order >= 0 : op === '$lt' ? order < 0 : order <= 0
}

// ---- generators ---------------------------------------------------------------------------------

// Few distinct values, overlapping across types (1 and 1n, Dates with equal instants), so equality is common.
const scalar = fc.constantFrom<unknown>(null, 0, 1, 2, -1.5, Number.NaN, 1n, 2n, 'a', 'b', 'ab', '', true, false, new Date(0), new Date(1000))

const value: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { arbitrary: scalar, weight: 2 },
    { arbitrary: fc.array(tie('value'), { maxLength: 3 }), weight: 1 },
    { arbitrary: fc.record({ a: tie('value'), b: tie('value') }, { requiredKeys: [] }), weight: 1 },
  ),
})).value

const rowArbitrary = fc.record({ a: value, b: value }, { requiredKeys: [] }) as fc.Arbitrary<Row>
const path = fc.constantFrom('a', 'b', 'a.a', 'a.b', 'a.0', 'b.1', 'a.a.b', 'a.0.b', 'b.a.0')

const operator = fc.oneof(
  fc.tuple(fc.constantFrom('$eq', '$ne', '$gt', '$gte', '$lt', '$lte'), value),
  fc.tuple(fc.constantFrom('$in', '$nin'), fc.array(fc.oneof(value, fc.constant(/^a/)), { maxLength: 4 })),
  fc.tuple(fc.constant('$exists'), fc.boolean()),
  fc.tuple(fc.constant('$size'), fc.nat(3)),
  fc.tuple(fc.constant('$regex'), fc.constantFrom('^a', 'b$', '^$')),
)
const operators = fc.array(operator, { minLength: 1, maxLength: 3 }).map((entries) => Object.fromEntries(entries) as Record<string, unknown>)
const condition = fc.oneof(
  value.filter((v) => !(typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && Object.keys(v).length === 0)),
  operators,
  operators.map((inner) => ({ $not: inner })),
  fc.record({ $regex: fc.constantFrom('^A', 'B'), $options: fc.constantFrom('', 'i') }),
)

const filterArbitrary: fc.Arbitrary<Record<string, unknown>> = fc.letrec<{ filter: Record<string, unknown> }>((tie) => ({
  filter: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    { arbitrary: fc.array(fc.tuple(path, condition), { minLength: 1, maxLength: 3 }).map((entries) => Object.fromEntries(entries)), weight: 4 },
    { arbitrary: fc.tuple(fc.constantFrom('$and', '$or', '$nor'), fc.array(tie('filter'), { minLength: 1, maxLength: 3 })).map(([op, parts]) => ({ [op]: parts })), weight: 1 },
    { arbitrary: tie('filter').map((inner) => ({ $not: inner })), weight: 1 },
  ),
})).filter

describe('compiled filters agree with a reference interpreter (property)', () => {
  it('on random rows and filters', () => {
    let matched = 0
    fc.assert(
      fc.property(filterArbitrary, fc.array(rowArbitrary, { minLength: 1, maxLength: 5 }), (filter, rows) => {
        const compiled = compileFilter(filter as Filter, { label: 'reference' })
        for (const row of rows) {
          const expected = reference(filter, row)
          if (expected) matched++
          expect(compiled.test(row)).toBe(expected)
        }
      }),
      { numRuns: 3000 },
    )
    expect(matched).toBeGreaterThan(1000)
  })
})
