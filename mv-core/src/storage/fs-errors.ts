import { ParqueDBError } from '../errors.ts'

/**
 * The `code` of a Node system error ('ENOENT', 'EEXIST', ...), if any.
 *
 * @example
 * try { await unlink(path) } catch (e) { if (errorCode(e) !== 'ENOENT') throw e }
 */
export function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') return error.code
  return undefined
}

/**
 * Wraps a filesystem failure as ParqueDBError code STORAGE; a ParqueDBError passes through.
 *
 * @example
 * throw storageError(`put ${JSON.stringify(key)}`, error, { key })
 */
export function storageError(what: string, error: unknown, details: Record<string, unknown> = {}): ParqueDBError {
  if (ParqueDBError.isInstance(error)) return error
  const message = error instanceof Error ? error.message : String(error)
  return new ParqueDBError('STORAGE', `${what}: ${message}`, { ...details, errno: errorCode(error) }, { cause: error })
}
