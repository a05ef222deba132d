import { ParqueDBError } from '../errors.ts'
import { validateKey } from '../storage/keys.ts'

/**
 * Checks that a table name can name one WAL (one directory, one map entry): a valid storage key
 * with no '/'. Throws BAD_KEY naming the table.
 *
 * @example
 * validateTableName('TailEvents') // ok
 * validateTableName('a/b') // throws BAD_KEY
 */
export function validateTableName(table: string): void {
  try {
    validateKey(table)
  } catch (error) {
    throw new ParqueDBError('BAD_KEY', `invalid WAL table name ${JSON.stringify(table)}: ${ParqueDBError.isInstance(error) ? error.message.replace(/^\[parquedb\] /, '') : String(error)}`, { table })
  }
  if (table.includes('/')) throw new ParqueDBError('BAD_KEY', `invalid WAL table name ${JSON.stringify(table)}: it contains '/'`, { table })
}

/**
 * Checks a mark handed back to `discardBefore`: a non-negative integer.
 *
 * @example
 * validateMark('TailEvents', 3) // ok
 */
export function validateMark(table: string, mark: number): void {
  if (!Number.isSafeInteger(mark) || mark < 0) {
    throw new ParqueDBError('STORAGE', `WAL ${JSON.stringify(table)}: discardBefore needs a mark returned by rotate(), got ${mark}`, { table, mark })
  }
}
