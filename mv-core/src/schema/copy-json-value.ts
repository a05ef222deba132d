import { InvalidValue } from './invalid-value.ts'

/** Deeper values are almost certainly a mistake, and would risk the stack when encoded. */
const MAX_DEPTH = 256

/**
 * A deep copy of a variant value as plain JSON data, or throws InvalidValue naming the first
 * part that is not JSON. Accepted: null, booleans, strings, finite numbers (-0 becomes 0), arrays
 * and plain objects of those. Dates become ISO strings (what JSON would store anyway); undefined
 * object properties are dropped and undefined array slots become null, as JSON.stringify does.
 * Rejected: functions, symbols, bigints, NaN/Infinity, cycles, and non-plain objects (Map, Set,
 * class instances, typed arrays) whose JSON form would silently lose data.
 *
 * @example
 * copyJsonValue({ a: [1, null, { b: true }] }) // a fresh { a: [1, null, { b: true }] }
 */
export function copyJsonValue(value: unknown): unknown {
  return copy(value, new Set(), 0)
}

function copy(value: unknown, ancestors: Set<object>, depth: number): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value
    case 'number':
      if (!Number.isFinite(value)) throw new InvalidValue('JSON value', value, 'numbers must be finite')
      return value === 0 ? 0 : value
    case 'undefined':
      return null
    case 'bigint':
      throw new InvalidValue('JSON value', value, 'bigint is not JSON; use a number or a string')
    case 'function':
    case 'symbol':
      throw new InvalidValue('JSON value', value)
  }
  if (value === null) return null
  const object = value as object
  if (object instanceof Date) {
    if (Number.isNaN(object.getTime())) throw new InvalidValue('JSON value', value)
    return object.toISOString()
  }
  if (depth >= MAX_DEPTH) throw new InvalidValue('JSON value', value, `nested deeper than ${MAX_DEPTH} levels`)
  if (ancestors.has(object)) throw new InvalidValue('JSON value', value, 'cyclic reference')
  ancestors.add(object)
  try {
    if (Array.isArray(object)) {
      const out: unknown[] = new Array(object.length)
      for (let i = 0; i < object.length; i++) {
        try {
          out[i] = copy(object[i], ancestors, depth + 1)
        } catch (e) {
          throw e instanceof InvalidValue ? e.within(i) : e
        }
      }
      return out
    }
    const proto: unknown = Object.getPrototypeOf(object)
    if (proto !== Object.prototype && proto !== null) throw new InvalidValue('JSON value', value)
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(object)) {
      const item = (object as Record<string, unknown>)[key]
      if (item === undefined) continue
      let copied: unknown
      try {
        copied = copy(item, ancestors, depth + 1)
      } catch (e) {
        throw e instanceof InvalidValue ? e.within(key) : e
      }
      // A '__proto__' key is data in JSON; plain assignment would change the prototype instead.
      if (key === '__proto__') Object.defineProperty(out, key, { value: copied, enumerable: true, writable: true, configurable: true })
      else out[key] = copied
    }
    return out
  } finally {
    ancestors.delete(object)
  }
}
