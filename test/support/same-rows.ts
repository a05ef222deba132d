import { expect } from 'vitest'
import type { Row } from '@parquedb/mv-core'

/**
 * How the differential suites compare a view's rows with DuckDB's: rows matched by `$id` (views
 * of rows) or by their group key columns, system columns and states left out, numbers equal to
 * 1e-9 relative, decimal text (wide decimal sums) read as a number.
 */

const SKIPPED = new Set(['createdAt', 'updatedAt', '_state'])

/** Dates as epoch ms, bigints as numbers, undefined as null, recursively. */
function canonical(value: unknown): unknown {
  if (value === undefined || value === null) return null
  if (value instanceof Date) return value.getTime()
  if (typeof value === 'bigint') return Number(value)
  if (Array.isArray(value)) return value.map(canonical)
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, inner]) => inner !== undefined)
    return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, inner]) => [key, canonical(inner)]))
  }
  return value
}

/** Numbers equal within 1e-9 relative (a tiny absolute slack for results that should be 0), the rest exactly. */
function close(mine: unknown, b: unknown): boolean {
  const a = typeof mine === 'string' && typeof b === 'number' && /^-?\d+(\.\d+)?$/.test(mine) ? Number(mine) : mine
  if (typeof a === 'number' && typeof b === 'number') return a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b)) + 1e-9
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, index) => close(item, b[index]))
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const x = a as Record<string, unknown>
    const y = b as Record<string, unknown>
    const keys = Object.keys(x)
    return keys.length === Object.keys(y).length && keys.every((key) => Object.hasOwn(y, key) && close(x[key], y[key]))
  }
  return a === b
}

function keyed(rows: readonly Row[], keys: readonly string[] | null): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>()
  for (const row of rows) {
    const key = JSON.stringify(keys === null ? row.$id : keys.map((name) => canonical(row[name])))
    const clean: Record<string, unknown> = {}
    for (const [name, value] of Object.entries(row)) if (!SKIPPED.has(name) && !(keys !== null && name === '$id')) clean[name] = canonical(value)
    expect(out.has(key), `duplicate row ${key}`).toBe(false)
    out.set(key, clean)
  }
  return out
}

/** Same keys, and for every row the same value in each of `expected`'s columns. */
export function expectSameRows(actual: readonly Row[], expected: readonly Row[], keys: readonly string[] | null, what: string): void {
  const mine = keyed(actual, keys)
  const theirs = keyed(expected, keys)
  expect([...mine.keys()].sort(), `${what}: rows`).toEqual([...theirs.keys()].sort())
  for (const [key, want] of theirs) {
    const got = mine.get(key) ?? {}
    for (const [name, value] of Object.entries(want)) {
      if (!close(got[name] ?? null, value)) expect.fail(`${what}: row ${key}, ${name}: ${JSON.stringify(got[name])} vs ${JSON.stringify(value)}`)
    }
  }
}
