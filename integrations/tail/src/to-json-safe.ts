/**
 * Copies untrusted console arguments and event fields into plain JSON within a size budget, so
 * one huge or exotic log line can neither fail a batch's validation nor bloat the table.
 * `copyJsonValue` in mv-core rejects such values (right for user writes); here the value is kept
 * with what can be kept, and the caller counts what was lost.
 */

export interface JsonSafeCopy {
  readonly value: unknown
  /** Something was cut or left out to stay within `maxChars`. */
  readonly truncated: boolean
  /** Something JSON cannot hold (function, symbol, bigint, NaN, a cycle) was replaced. */
  readonly nonJson: boolean
}

/** Deeper than any console argument worth keeping; also keeps the recursion shallow. */
const MAX_DEPTH = 32
const ELLIPSIS = '…'

/**
 * A JSON-safe copy of `value` whose JSON text is about `maxChars` at most: long strings are cut
 * (ending in '…'), list items and object keys past the budget are left out, bigints become
 * strings, NaN and Infinity null, functions and symbols are dropped (null in a list), Dates ISO
 * strings, cycles '[Circular]'.
 *
 * @example
 * toJsonSafe(['x'.repeat(100_000), 7n], 1000) // { value: ['xxx…', '7'], truncated: true, nonJson: true }
 */
export function toJsonSafe(value: unknown, maxChars: number): JsonSafeCopy {
  const state = { budget: maxChars, truncated: false, nonJson: false, ancestors: new Set<object>() }
  const copied = copy(value, state, 0)
  return { value: copied === OMIT ? null : copied, truncated: state.truncated, nonJson: state.nonJson }
}

interface CopyState {
  budget: number
  truncated: boolean
  nonJson: boolean
  readonly ancestors: Set<object>
}

/** Marks a value JSON.stringify would leave out of an object. */
const OMIT = Symbol('omit')

function copy(value: unknown, state: CopyState, depth: number): unknown {
  switch (typeof value) {
    case 'string':
      return copyString(value, state)
    case 'boolean':
      state.budget -= 5
      return value
    case 'number':
      if (!Number.isFinite(value)) {
        state.nonJson = true
        state.budget -= 4
        return null
      }
      state.budget -= String(value).length
      return value
    case 'bigint':
      state.nonJson = true
      return copyString(value.toString(), state)
    case 'undefined':
      return OMIT
    case 'function':
    case 'symbol':
      state.nonJson = true
      return OMIT
  }
  if (value === null) {
    state.budget -= 4
    return null
  }
  const object = value as object
  if (object instanceof Date) return copyString(Number.isNaN(object.getTime()) ? 'Invalid Date' : object.toISOString(), state)
  if (depth >= MAX_DEPTH) {
    state.truncated = true
    return copyString('[Too deep]', state)
  }
  if (state.ancestors.has(object)) {
    state.nonJson = true
    return copyString('[Circular]', state)
  }
  state.ancestors.add(object)
  try {
    return Array.isArray(object) ? copyList(object, state, depth) : copyRecord(object, state, depth)
  } finally {
    state.ancestors.delete(object)
  }
}

function copyString(text: string, state: CopyState): string {
  const room = Math.max(0, state.budget - 2)
  state.budget -= Math.min(text.length, room) + 2
  if (text.length <= room) return text
  state.truncated = true
  return text.slice(0, room) + ELLIPSIS
}

function copyList(list: readonly unknown[], state: CopyState, depth: number): unknown[] {
  const out: unknown[] = []
  state.budget -= 2
  for (const item of list) {
    if (state.budget <= 0) {
      state.truncated = true
      break
    }
    const copied = copy(item, state, depth + 1)
    out.push(copied === OMIT ? null : copied)
    state.budget -= 1
  }
  return out
}

function copyRecord(record: object, state: CopyState, depth: number): Record<string, unknown> {
  // Like JSON.stringify: own enumerable properties, whatever the prototype.
  const out: Record<string, unknown> = {}
  state.budget -= 2
  for (const key of Object.keys(record)) {
    if (state.budget <= 0) {
      state.truncated = true
      break
    }
    let item: unknown
    try {
      item = (record as Record<string, unknown>)[key]
    } catch {
      // A throwing getter: the property cannot be read, so it cannot be stored.
      state.nonJson = true
      continue
    }
    state.budget -= key.length + 3
    const copied = copy(item, state, depth + 1)
    if (copied === OMIT) continue
    // Defined as data: assigning '__proto__' would change the prototype instead.
    Object.defineProperty(out, key, { value: copied, enumerable: true, writable: true, configurable: true })
  }
  return out
}
