import { compareDecimal, parseDecimal } from './compare-decimal.ts'
import { compareValues, typeBracket } from './compare-values.ts'
import type { Literal } from './filter-literal.ts'
import { valuesEqual } from './values-equal.ts'

/**
 * Predicates over one value, built once per filter operand. They see a single value; array
 * element matching is added by `orAnyElement`, path fan-out by compileSomeAtPath.
 */
export type ValueTest = (value: unknown) => boolean

export type RangeOperator = '$gt' | '$gte' | '$lt' | '$lte'

export const isNullish: ValueTest = (value) => value === null || value === undefined
const never: ValueTest = () => false

/**
 * `$eq` against a coerced literal: null matches null and missing; numbers and bigints by value;
 * instants match Dates; a regex matches strings; objects and arrays compare deeply.
 *
 * @example
 * eqTest({ type: 'number', value: 5 })(5n) // true
 */
export function eqTest(literal: Literal): ValueTest {
  switch (literal.type) {
    case 'null':
      return isNullish
    case 'number': {
      const n = literal.value
      if (Number.isNaN(n)) return (value) => typeof value === 'number' && Number.isNaN(value)
      // Loose equality is exact between a bigint and a number.
      return (value) => value === n || (typeof value === 'bigint' && (value as unknown) == n)
    }
    case 'bigint': {
      const b = literal.value
      return (value) => value === b || (typeof value === 'number' && (value as unknown) == b)
    }
    case 'string':
    case 'boolean': {
      const v = literal.value
      return (value) => value === v
    }
    case 'instant': {
      const ms = literal.value
      return (value) => value instanceof Date && value.getTime() === ms
    }
    case 'decimal': {
      const compare = decimalComparator(literal)
      return (value) => compare(value) === 0
    }
    case 'regex':
      return regexTest(literal.value)
    case 'json': {
      const expected = literal.value
      return (value) => typeof value === 'object' && value !== null && valuesEqual(value, expected)
    }
  }
}

/** Strings matching a pattern; other types never match. */
export function regexTest(regex: RegExp): ValueTest {
  return (value) => typeof value === 'string' && regex.test(value)
}

/**
 * `$gt`/`$gte`/`$lt`/`$lte`: true only for values in the literal's type bracket (numbers with
 * bigints, strings, booleans, Dates, objects/arrays), so `{ age: { $gt: '5' } }` never matches a
 * number. `$gte: null`/`$lte: null` match null and missing; `$gt: null`/`$lt: null` match nothing.
 *
 * @example
 * rangeTest('$gt', { type: 'number', value: 50 })(51) // true
 */
export function rangeTest(operator: RangeOperator, literal: Literal): ValueTest {
  switch (literal.type) {
    case 'null':
      return operator === '$gte' || operator === '$lte' ? isNullish : never
    case 'number':
    case 'bigint': {
      const n = literal.value
      switch (operator) {
        case '$gt':
          return (value) => (typeof value === 'number' || typeof value === 'bigint') && value > n
        case '$gte':
          return (value) => (typeof value === 'number' || typeof value === 'bigint') && value >= n
        case '$lt':
          return (value) => (typeof value === 'number' || typeof value === 'bigint') && value < n
        case '$lte':
          return (value) => (typeof value === 'number' || typeof value === 'bigint') && value <= n
      }
      break
    }
    case 'string': {
      const s = literal.value
      switch (operator) {
        case '$gt':
          return (value) => typeof value === 'string' && value > s
        case '$gte':
          return (value) => typeof value === 'string' && value >= s
        case '$lt':
          return (value) => typeof value === 'string' && value < s
        case '$lte':
          return (value) => typeof value === 'string' && value <= s
      }
      break
    }
    case 'instant': {
      const ms = literal.value
      // An Invalid Date's NaN fails every comparison, as it should.
      switch (operator) {
        case '$gt':
          return (value) => value instanceof Date && value.getTime() > ms
        case '$gte':
          return (value) => value instanceof Date && value.getTime() >= ms
        case '$lt':
          return (value) => value instanceof Date && value.getTime() < ms
        case '$lte':
          return (value) => value instanceof Date && value.getTime() <= ms
      }
      break
    }
    case 'boolean': {
      const b = literal.value
      return byOrder(operator, (value) => (typeof value === 'boolean' ? (value === b ? 0 : value ? 1 : -1) : undefined))
    }
    case 'decimal':
      return byOrder(operator, decimalComparator(literal))
    case 'json': {
      const expected = literal.value
      return byOrder(operator, (value) => (typeBracket(value) === 5 ? compareValues(value, expected) : undefined))
    }
    case 'regex':
      break
  }
  return never
}

function byOrder(operator: RangeOperator, compare: (value: unknown) => number | undefined): ValueTest {
  switch (operator) {
    case '$gt':
      return (value) => (compare(value) ?? 0) > 0
    case '$gte':
      return (value) => (compare(value) ?? -1) >= 0
    case '$lt':
      return (value) => (compare(value) ?? 0) < 0
    case '$lte':
      return (value) => (compare(value) ?? 1) <= 0
  }
}

/** Compares number and decimal-string values with a decimal literal exactly; undefined for other types. */
function decimalComparator(literal: Extract<Literal, { type: 'decimal' }>): (value: unknown) => number | undefined {
  const { value: expected, number: fast } = literal
  return (value) => {
    if (typeof value === 'number') {
      if (Number.isNaN(value)) return undefined
      // Distinct doubles keep their order through their shortest round-trip text, so when the
      // literal is itself a double the plain comparison is exact.
      if (fast !== undefined) return value < fast ? -1 : value > fast ? 1 : 0
      if (!Number.isFinite(value)) return value > 0 ? 1 : -1
    } else if (typeof value !== 'string' && typeof value !== 'bigint') return undefined
    const decimal = parseDecimal(value)
    return decimal === undefined ? undefined : compareDecimal(decimal, expected)
  }
}

/**
 * `$in`: any literal's `$eq`. Strings, numbers, booleans, bigints and instants are looked up in
 * sets so long lists stay O(1) per value.
 *
 * @example
 * inTest([{ type: 'string', value: 'GET' }, { type: 'null' }])(undefined) // true
 */
export function inTest(literals: readonly Literal[]): ValueTest {
  const primitives = new Set<unknown>()
  const instants = new Set<number>()
  const numbers: number[] = []
  const bigints: bigint[] = []
  const others: ValueTest[] = []
  let matchesNull = false
  for (const literal of literals) {
    switch (literal.type) {
      case 'null':
        matchesNull = true
        break
      case 'number':
        primitives.add(literal.value) // a Set finds NaN, as $eq does
        numbers.push(literal.value)
        break
      case 'bigint':
        primitives.add(literal.value)
        bigints.push(literal.value)
        break
      case 'string':
      case 'boolean':
        primitives.add(literal.value)
        break
      case 'instant':
        instants.add(literal.value)
        break
      default:
        others.push(eqTest(literal))
    }
  }
  return (value) => {
    if (value === null || value === undefined) return matchesNull
    if (primitives.has(value)) return true
    if (typeof value === 'number') {
      for (const b of bigints) if ((value as unknown) == b) return true
    } else if (typeof value === 'bigint') {
      for (const n of numbers) if ((value as unknown) == n) return true
    } else if (value instanceof Date) {
      if (instants.has(value.getTime())) return true
    }
    for (const test of others) if (test(value)) return true
    return false
  }
}

/**
 * MongoDB's array rule for positive operators: an array value matches when one of its elements
 * does. `wholeToo` also tests the array itself, for object/array literals (`{ tags: ['a', 'b'] }`).
 *
 * @example
 * orAnyElement((v) => v === 'x', false)(['a', 'x']) // true
 */
export function orAnyElement(test: ValueTest, wholeToo: boolean): ValueTest {
  if (wholeToo) {
    return (value) => {
      if (!Array.isArray(value)) return test(value)
      if (test(value)) return true
      for (const element of value as unknown[]) if (test(element)) return true
      return false
    }
  }
  return (value) => {
    if (!Array.isArray(value)) return test(value)
    for (const element of value as unknown[]) if (test(element)) return true
    return false
  }
}
