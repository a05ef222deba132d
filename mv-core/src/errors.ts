/**
 * The one error class ParqueDB throws. `code` is stable and machine-readable; the message names
 * the collection, view, field, directive or key at fault. HTTP status is chosen by the HTTP layer.
 *
 * @example
 * try { await users.create({ age: 'x' }) }
 * catch (e) { if (ParqueDBError.isInstance(e) && e.code === 'VALIDATION') console.log(e.details) }
 */
export type ErrorCode =
  | 'VALIDATION' // a written row does not match its collection's schema
  | 'SCHEMA' // a schema definition is malformed
  | 'UNKNOWN_COLLECTION'
  | 'NOT_FOUND' // an entity or object that must exist does not
  | 'BAD_FILTER' // a malformed find filter or options
  | 'BAD_SQL' // a db.sql query that does not parse, or uses a construct the engine cannot run
  | 'BAD_KEY' // an invalid storage key
  | 'PRECONDITION_FAILED' // a conditional put lost (create-only key exists, etag changed)
  | 'CONFLICT' // a commit could not be published after retries
  | 'CORRUPT' // stored data or a log entry cannot be read back
  | 'STORAGE' // the storage backend failed
  | 'CLOSED' // the database or table was closed
  | 'EXPIRED' // the files behind an old version or changelog range were vacuumed

const marker = Symbol.for('parquedb.error')

export class ParqueDBError extends Error {
  readonly [marker] = true
  readonly code: ErrorCode
  readonly details: Readonly<Record<string, unknown>>

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(`[parquedb] ${message}`, options)
    this.name = 'ParqueDBError'
    this.code = code
    this.details = details
  }

  /** True for a ParqueDBError even across bundle copies (checks a global symbol, not the prototype). */
  static isInstance(error: unknown, code?: ErrorCode): error is ParqueDBError {
    return typeof error === 'object' && error !== null && marker in error && (code === undefined || (error as ParqueDBError).code === code)
  }
}
