import { ParqueDBError } from '../errors.ts'
import type { PutOptions } from './types.ts'

/**
 * Checks put options before any I/O. `ifNoneMatch: '*'` together with `ifMatch` can never both
 * hold (the key cannot be absent and present), so that combination fails like any lost precondition.
 *
 * @example
 * checkPutOptions('k', { ifNoneMatch: '*' }) // ok
 */
export function checkPutOptions(key: string, options: PutOptions | undefined): void {
  if (options === undefined) return
  const { ifNoneMatch, ifMatch } = options
  if (ifNoneMatch !== undefined && ifNoneMatch !== '*') {
    throw new ParqueDBError('STORAGE', `put ${JSON.stringify(key)}: ifNoneMatch must be '*'`, { key, ifNoneMatch })
  }
  if (ifMatch !== undefined && (typeof ifMatch !== 'string' || ifMatch === '')) {
    throw new ParqueDBError('STORAGE', `put ${JSON.stringify(key)}: ifMatch must be a non-empty etag`, { key, ifMatch })
  }
  if (ifNoneMatch !== undefined && ifMatch !== undefined) {
    throw preconditionFailed(key, 'ifNoneMatch and ifMatch cannot both hold')
  }
}

/**
 * The error a put throws when its precondition is not met.
 *
 * @example
 * throw preconditionFailed('users/_log/1.json', 'it already exists')
 */
export function preconditionFailed(key: string, reason: string): ParqueDBError {
  return new ParqueDBError('PRECONDITION_FAILED', `put ${JSON.stringify(key)}: precondition failed, ${reason}`, { key })
}
