import type { AsyncBuffer } from 'hyparquet'
import { ParqueDBError } from '../errors.ts'
import type { StorageDriver } from '../storage/types.ts'

export interface StorageAsyncBufferOptions {
  /**
   * Objects of at most this many bytes are fetched whole on the first slice and served from
   * memory after that (default 512 KiB; 0 turns it off). Reading the footer of a small file
   * fetches most of it anyway, so one request beats a footer read plus column reads on R2.
   */
  wholeFileBelow?: number
}

/** hyparquet's own footer read asks for the last 512 KiB, so below that a whole read costs nothing extra. */
const DEFAULT_WHOLE_FILE_BELOW = 1 << 19

/** An ArrayBuffer holding exactly the bytes of `view` (no copy when the view already is one). */
function toArrayBuffer(view: Uint8Array): ArrayBuffer {
  if (view.buffer instanceof ArrayBuffer && view.byteOffset === 0 && view.byteLength === view.buffer.byteLength) return view.buffer
  return view.slice().buffer
}

/**
 * A hyparquet AsyncBuffer over one stored object: slices are `driver.getRange` calls, except that
 * a small object is fetched whole once (see `wholeFileBelow`).
 *
 * @example
 * const info = await driver.head('t/orders/data/0001.parquet')
 * const file = storageAsyncBuffer(driver, info.key, info.size)
 * const rows = await readParquetRows(file, orderSchema)
 */
export function storageAsyncBuffer(driver: StorageDriver, key: string, byteLength: number, options: StorageAsyncBufferOptions = {}): AsyncBuffer {
  if (!Number.isSafeInteger(byteLength) || byteLength < 0) {
    throw new ParqueDBError('BAD_KEY', `object "${key}": byteLength must be a non-negative integer, got ${byteLength}`, { key })
  }
  const fetchRange = async (start: number, end = byteLength): Promise<ArrayBuffer> => {
    if (!(start >= 0 && start <= end && end <= byteLength)) {
      throw new ParqueDBError('CORRUPT', `object "${key}": byte range ${start}..${end} is outside its ${byteLength} bytes`, { key, start, end, byteLength })
    }
    if (start === end) return new ArrayBuffer(0)
    const bytes = await driver.getRange(key, start, end - start)
    if (bytes.byteLength !== end - start) {
      // A short read means the object changed or shrank under us; decoding it would be garbage.
      throw new ParqueDBError('CORRUPT', `object "${key}": asked for ${end - start} bytes at ${start}, got ${bytes.byteLength}`, { key, start, end, got: bytes.byteLength })
    }
    return toArrayBuffer(bytes)
  }
  const direct: AsyncBuffer = { byteLength, slice: fetchRange }
  if (byteLength > (options.wholeFileBelow ?? DEFAULT_WHOLE_FILE_BELOW)) return direct

  // Not hyparquet's cachedAsyncBuffer: it starts the whole-file fetch when constructed (an
  // unobserved rejection if nobody reads) and keeps a failed fetch forever. This one is lazy and
  // retries after a failure.
  let whole: Promise<ArrayBuffer> | undefined
  return {
    byteLength,
    async slice(start: number, end = byteLength): Promise<ArrayBuffer> {
      const pending = whole ??= fetchRange(0, byteLength)
      let bytes: ArrayBuffer
      try {
        bytes = await pending
      } catch (error) {
        if (whole === pending) whole = undefined
        throw error
      }
      if (!(start >= 0 && start <= end && end <= byteLength)) return fetchRange(start, end)
      return start === 0 && end === byteLength ? bytes : bytes.slice(start, end)
    },
  }
}
