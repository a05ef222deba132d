import type { Row } from '../schema/types.ts'

/**
 * Dotted-path reading shared by filters, sorts and projections. 'event.request.method' walks
 * nested objects; a numeric segment ('exceptions.0') indexes an array. Own properties only, so
 * '__proto__' or 'constructor' in a path never reaches Object.prototype.
 */

const INDEX = /^(?:0|[1-9]\d{0,8})$/

/** True for a segment that addresses an array element: '0', '12' (no sign, no leading zeros). */
export function isArrayIndex(segment: string): boolean {
  return INDEX.test(segment)
}

/** True for a non-empty path without empty segments ('a.b', not 'a..b', '.a' or 'a.'). */
export function isValidPath(path: string): boolean {
  return path.length > 0 && !path.split('.').includes('')
}

/** Whether a value can be walked into by a path segment (objects and arrays, not Dates). */
export function isTraversable(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !(value instanceof Date)
}

/**
 * Reads one segment: an own property of an object, or an element of an array for an index
 * segment. Anything else is undefined.
 *
 * @example
 * readSegment({ a: 1 }, 'a') // 1
 * readSegment([5, 6], '1') // 6
 */
export function readSegment(value: unknown, segment: string): unknown {
  if (!isTraversable(value)) return undefined
  if (Array.isArray(value)) return isArrayIndex(segment) ? (value as unknown[])[Number(segment)] : undefined
  return readOwn(value, segment)
}

function readOwn(value: object, key: string): unknown {
  return Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined
}

/** Keys a plain `obj[key]` read could resolve on Object.prototype; these need an own-property check. */
function inheritable(key: string): boolean {
  return key in Object.prototype
}

/**
 * The value at a dotted path, undefined when any step is missing. Arrays are only indexed, never
 * fanned out (see compileSomeAtPath for the filter semantics).
 *
 * @example
 * getPath({ event: { request: { method: 'GET' } } }, 'event.request.method') // 'GET'
 * getPath({ exceptions: [{ name: 'TypeError' }] }, 'exceptions.0.name') // 'TypeError'
 */
export function getPath(value: unknown, path: string): unknown {
  if (!path.includes('.')) return readSegment(value, path)
  let current = value
  for (const segment of path.split('.')) {
    current = readSegment(current, segment)
    if (current === undefined) return undefined
  }
  return current
}

/**
 * getPath with the path split once, for reading the same path from many rows. The common
 * one-segment case is a plain property read.
 *
 * @example
 * const method = compileGetter('event.request.method'); rows.map(method)
 */
export function compileGetter(path: string): (row: Row) => unknown {
  const segments = path.split('.')
  if (segments.length === 1) {
    const key = path
    return inheritable(key) ? (row) => readOwn(row, key) : (row) => row[key]
  }
  return (row) => {
    let current: unknown = row
    for (const segment of segments) {
      current = readSegment(current, segment)
      if (current === undefined) return undefined
    }
    return current
  }
}

/**
 * A row predicate that is true when `test` holds for any value the path reaches, with MongoDB's
 * array semantics: a non-index segment applied to an array continues into every object element
 * (`'logs.level'` reaches the level of each log). A path that reaches nothing (missing field,
 * scalar on the way, array without object elements) calls `test(undefined)` once, so
 * "missing" and "null" behave alike. Leaf arrays are passed to `test` whole; element matching
 * is the predicate's business.
 *
 * @example
 * const hasError = compileSomeAtPath('logs.level', (v) => v === 'error')
 * hasError({ logs: [{ level: 'info' }, { level: 'error' }] }) // true
 */
export function compileSomeAtPath(path: string, test: (value: unknown) => boolean): (row: Row) => boolean {
  const segments = path.split('.')
  if (segments.length === 1) {
    const key = path
    return inheritable(key) ? (row) => test(readOwn(row, key)) : (row) => test(row[key])
  }
  const count = segments.length
  const indexes = segments.map((segment) => (isArrayIndex(segment) ? Number(segment) : -1))
  // Keys that cannot resolve on Object.prototype are read directly: the hot path for variant data.
  const direct = segments.map((segment) => !inheritable(segment))
  const walk = (value: unknown, depth: number): boolean => {
    let current = value
    for (let level = depth; level < count; level++) {
      if (typeof current !== 'object' || current === null) return test(undefined)
      if (Array.isArray(current)) return fanOut(current as unknown[], level)
      if (current instanceof Date) return test(undefined)
      const segment = segments[level] as string
      current = direct[level] ? (current as Record<string, unknown>)[segment] : readOwn(current, segment)
    }
    return test(current)
  }
  const fanOut = (array: unknown[], level: number): boolean => {
    const index = indexes[level] as number
    if (index >= 0) return walk(array[index], level + 1)
    const segment = segments[level] as string
    const isDirect = direct[level] as boolean
    let reached = false
    for (const element of array) {
      if (typeof element !== 'object' || element === null || Array.isArray(element) || element instanceof Date) continue
      reached = true
      if (walk(isDirect ? (element as Record<string, unknown>)[segment] : readOwn(element, segment), level + 1)) return true
    }
    return reached ? false : test(undefined)
  }
  return (row) => walk(row, 0)
}
