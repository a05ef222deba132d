import { compareValues, typeBracket } from '../../query/compare-values.ts'
import { valuesEqual } from '../../query/values-equal.ts'

/**
 * Equality for `$eq`/`$ne`: two-valued, so null equals null (and missing) and differs from every
 * value, like SQL's IS NOT DISTINCT FROM. Numbers and bigints compare by value (1n equals 1),
 * Dates by instant, objects and arrays deeply, NaN equals NaN (as in DuckDB). Values of
 * different types are never equal.
 *
 * @example
 * sameValue(new Date(5), new Date(5)) // true
 * sameValue(null, 0) // false
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true
  const bracket = typeBracket(a)
  if (bracket !== typeBracket(b)) return false
  if (bracket === 5) return valuesEqual(a, b)
  return compareValues(a, b) === 0
}

/**
 * The order of two values for `$gt`/`$gte`/`$lt`/`$lte`: -1, 0 or 1 when both are numbers
 * (bigints included), strings, booleans or Dates of the same kind; NaN (so every ordering test is
 * false) for null, mixed kinds, objects, arrays, NaN and Invalid Dates. JS relational operators
 * do the work: they are exact between bigints and numbers.
 *
 * @example
 * orderOf(2, 10n) // -1
 * orderOf('2', 10) // NaN
 */
export function orderOf(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : a === b ? 0 : Number.NaN
  const bracket = typeBracket(a)
  if (bracket !== typeBracket(b) || bracket === 0 || bracket > 4) return Number.NaN
  // Same bracket: both numeric, both strings, both booleans or both Dates. The casts only
  // satisfy the type checker; the operators compare each pair correctly at run time.
  const x = (bracket === 4 ? (a as Date).getTime() : a) as number
  const y = (bracket === 4 ? (b as Date).getTime() : b) as number
  return x < y ? -1 : x > y ? 1 : x == y ? 0 : Number.NaN
}
