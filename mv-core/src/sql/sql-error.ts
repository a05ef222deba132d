import { ParqueDBError } from '../errors.ts'

/**
 * The error of a `db.sql` query: BAD_SQL, the message starting with 'sql:' and naming the clause
 * and construct at fault.
 *
 * @example
 * throw sqlError('WHERE: column "statu" does not exist in "Order" (did you mean "status"?)', { column: 'statu' })
 */
export function sqlError(message: string, details: Record<string, unknown> = {}): ParqueDBError {
  return new ParqueDBError('BAD_SQL', `sql: ${message}`, details)
}

/** A construct the parser understands but the engine does not run, named in the message and in `details.construct`. */
export function unsupported(construct: string, hint?: string): ParqueDBError {
  return sqlError(`${construct} is not supported${hint === undefined ? '' : `: ${hint}`}`, { construct })
}
