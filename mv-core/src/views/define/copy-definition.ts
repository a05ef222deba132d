import { describeValue } from '../../schema/describe-value.ts'
import { viewError } from './view-error.ts'

/** Deeper definitions are certainly a mistake, and would risk the stack. */
const MAX_DEPTH = 64

/**
 * A deep, frozen copy of a raw view definition, so later edits to the caller's object cannot
 * change a parsed plan. JSON values are kept, plus what filters and expressions legitimately
 * hold: Dates, RegExps (copied but not frozen: matching writes `lastIndex`), bigints, NaN and
 * ±Infinity. Object properties set to undefined are dropped, as JSON would drop them. Anything
 * else (functions, symbols, Maps, class instances, cycles) is a SCHEMA error naming its place.
 *
 * @example
 * const copy = copyDefinition('WorkerErrors', { $from: 'TailEvents', $filter: { outcome: { $ne: 'ok' } } })
 * Object.isFrozen(copy) // true
 */
export function copyDefinition(view: string, definition: unknown): unknown {
  return copy(view, definition, [], new Set())
}

function copy(view: string, value: unknown, path: readonly string[], ancestors: Set<object>): unknown {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'bigint':
      return value
    case 'undefined':
      return null
    case 'function':
    case 'symbol':
      throw notAllowed(view, path, value)
  }
  if (value === null) return null
  const object = value as object
  if (object instanceof Date) return Object.freeze(new Date(object.getTime()))
  if (object instanceof RegExp) return new RegExp(object.source, object.flags)
  if (path.length >= MAX_DEPTH) throw viewError(siteOf(view, path), `nested deeper than ${MAX_DEPTH} levels`)
  if (ancestors.has(object)) throw viewError(siteOf(view, path), 'the definition refers to itself (a cycle); view definitions are trees of JSON values')
  ancestors.add(object)
  try {
    if (Array.isArray(object)) {
      return Object.freeze(object.map((item: unknown, index) => copy(view, item, [...path, String(index)], ancestors)))
    }
    const proto: unknown = Object.getPrototypeOf(object)
    if (proto !== Object.prototype && proto !== null) throw notAllowed(view, path, value)
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(object)) {
      const item = (object as Record<string, unknown>)[key]
      if (item === undefined) continue
      // A '__proto__' key is data here; plain assignment would change the copy's prototype.
      Object.defineProperty(out, key, { value: copy(view, item, [...path, key], ancestors), enumerable: true, writable: true, configurable: true })
    }
    return Object.freeze(out)
  } finally {
    ancestors.delete(object)
  }
}

function siteOf(view: string, path: readonly string[]): { view: string; directive?: string; key?: string } {
  const [directive, ...rest] = path
  return { view, ...(directive === undefined ? {} : { directive }), ...(rest.length === 0 ? {} : { key: rest.join('.') }) }
}

function notAllowed(view: string, path: readonly string[], value: unknown): Error {
  return viewError(siteOf(view, path), `${describeValue(value)} cannot appear in a view definition (expected JSON values, Dates or RegExps)`)
}
