import { ParqueDBError } from '../errors.ts'

/**
 * Checks `getRange` arguments before any I/O: offset and length are non-negative safe integers.
 *
 * @example
 * checkRangeArgs('a.parquet', 0, 8) // ok
 * checkRangeArgs('a.parquet', -1, 8) // throws STORAGE
 */
export function checkRangeArgs(key: string, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length < 0) {
    throw new ParqueDBError('STORAGE', `getRange(${JSON.stringify(key)}, ${offset}, ${length}): offset and length must be non-negative integers`, { key, offset, length })
  }
}

/**
 * Checks that a range lies inside an object of `size` bytes. A range is never silently
 * shortened: a short read would hide a wrong offset in a Parquet footer.
 *
 * @example
 * checkRangeBounds('a.parquet', 10, 4, 12) // throws STORAGE: bytes 10..14 of a 12-byte object
 */
export function checkRangeBounds(key: string, offset: number, length: number, size: number): void {
  if (offset + length > size) {
    throw new ParqueDBError(
      'STORAGE',
      `getRange(${JSON.stringify(key)}, ${offset}, ${length}): bytes ${offset}..${offset + length} are outside the ${size}-byte object`,
      { key, offset, length, size },
    )
  }
}
