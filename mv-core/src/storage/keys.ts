import { ParqueDBError } from '../errors.ts'

/** R2's limit; applying it everywhere keeps a key valid on every backend. */
const MAX_KEY_BYTES = 1024

const encoder = new TextEncoder()

/**
 * Checks a storage key: a '/'-separated relative path with no empty, '.' or '..' segments,
 * no backslashes or control characters, at most 1024 UTF-8 bytes. Throws BAD_KEY naming the key.
 *
 * @example
 * validateKey('users/part-0001.parquet') // ok
 * validateKey('../etc/passwd') // throws ParqueDBError code BAD_KEY
 */
export function validateKey(key: string): void {
  const problem = keyProblem(key)
  if (problem !== undefined) throw badKey('key', key, problem)
}

/**
 * Checks a `list` prefix: '' (everything) or a valid key followed by '/' (one "directory").
 *
 * @example
 * validatePrefix('') // ok
 * validatePrefix('users/') // ok
 * validatePrefix('users/part-') // throws BAD_KEY: a prefix must end with '/'
 */
export function validatePrefix(prefix: string): void {
  if (typeof prefix !== 'string') throw badKey('prefix', prefix, 'it is not a string')
  if (prefix === '') return
  if (!prefix.endsWith('/')) throw badKey('prefix', prefix, "a prefix must be '' or end with '/'")
  const problem = keyProblem(prefix.slice(0, -1))
  if (problem !== undefined) throw badKey('prefix', prefix, problem)
}

/**
 * Orders keys the way every driver's `list` returns them (by UTF-16 code unit, which matches
 * byte order for the ASCII keys ParqueDB writes).
 *
 * @example
 * ['b', 'a/x', 'a'].sort(compareKeys) // ['a', 'a/x', 'b']
 */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function keyProblem(key: unknown): string | undefined {
  if (typeof key !== 'string') return 'it is not a string'
  if (key === '') return 'it is empty'
  if (key.startsWith('/')) return 'it is an absolute path'
  if (/^[A-Za-z]:/.test(key)) return 'it starts with a drive letter'
  if (key.includes('\\')) return 'it contains a backslash'
  if (/[\u0000-\u001f\u007f]/.test(key)) return 'it contains a control character'
  for (const segment of key.split('/')) {
    if (segment === '') return "it has an empty segment ('//' or a trailing '/')"
    if (segment === '.' || segment === '..') return `it has a '${segment}' segment`
  }
  if (encoder.encode(key).byteLength > MAX_KEY_BYTES) return `it is longer than ${MAX_KEY_BYTES} bytes`
  return undefined
}

function badKey(what: 'key' | 'prefix', value: unknown, problem: string): ParqueDBError {
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value)
  return new ParqueDBError('BAD_KEY', `invalid storage ${what} ${shown}: ${problem}`, { [what]: value })
}
