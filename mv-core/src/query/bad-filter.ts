import { ParqueDBError } from '../errors.ts'

/** What a malformed query part is about, kept in the error's details. */
export interface BadFilterSite {
  readonly path?: string
  readonly operator?: string
  readonly option?: string
}

/**
 * The BAD_FILTER error for a malformed filter, sort, projection or find option. The message is
 * prefixed with the label ('collection "TailEvents"') so callers can tell which query failed.
 *
 * @example
 * throw badFilter('collection "Users"', 'filter: unknown operator "$regx" on field "name"', { path: 'name', operator: '$regx' })
 */
export function badFilter(label: string, message: string, site: BadFilterSite = {}): ParqueDBError {
  return new ParqueDBError('BAD_FILTER', `${label}: ${message}`, { label, ...site })
}

/** A short description of a value's type for error messages: 'null', 'array', 'string'... */
export function describeType(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  if (value instanceof Date) return 'Date'
  if (value instanceof RegExp) return 'RegExp'
  return typeof value
}
