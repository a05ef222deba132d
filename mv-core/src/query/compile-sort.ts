import type { Row } from '../schema/types.ts'
import { badFilter, describeType } from './bad-filter.ts'
import { compareValues } from './compare-values.ts'
import { compileGetter, isValidPath } from './get-path.ts'
import { isPlainObject } from './is-plain-object.ts'
import type { SortSpec } from './types.ts'

export type RowComparator = (a: Row, b: Row) => number

/**
 * Validates a sort spec and compiles it into a comparator: keys in spec order, each 1
 * (ascending) or -1 (descending), values ordered by compareValues (null and missing first when
 * ascending). Dotted paths read nested values; arrays are indexed by numeric segments, not
 * fanned out. Undefined for an empty spec (keep the input order).
 *
 * @example
 * const byTime = compileSort({ eventTimestamp: -1, 'event.request.url': 1 }, 'collection "TailEvents"')
 * rows.sort(byTime)
 */
export function compileSort(sort: SortSpec, label: string): RowComparator | undefined {
  if (!isPlainObject(sort)) throw badFilter(label, `sort must be an object like { field: 1 }, got ${describeType(sort)}`, { option: 'sort' })
  const keys = Object.keys(sort).map((path) => {
    const direction: unknown = sort[path]
    if (!isValidPath(path)) throw badFilter(label, `sort: invalid field path "${path}"`, { option: 'sort', path })
    if (direction !== 1 && direction !== -1) {
      throw badFilter(label, `sort: field "${path}" has direction ${describeDirection(direction)}; use 1 (ascending) or -1 (descending)`, { option: 'sort', path })
    }
    return { get: compileGetter(path), direction }
  })
  if (keys.length === 0) return undefined
  if (keys.length === 1) {
    const { get, direction } = keys[0] as (typeof keys)[number]
    return direction === 1 ? (a, b) => compareValues(get(a), get(b)) : (a, b) => compareValues(get(b), get(a))
  }
  return (a, b) => {
    for (const { get, direction } of keys) {
      const order = compareValues(get(a), get(b))
      if (order !== 0) return direction === 1 ? order : -order
    }
    return 0
  }
}

function describeDirection(direction: unknown): string {
  return typeof direction === 'string' ? JSON.stringify(direction) : String(direction)
}
