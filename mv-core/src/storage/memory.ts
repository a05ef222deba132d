import { ParqueDBError } from '../errors.ts'
import { toBytes } from './bytes.ts'
import { compareKeys, validateKey, validatePrefix } from './keys.ts'
import { checkPutOptions, preconditionFailed } from './preconditions.ts'
import { checkRangeArgs, checkRangeBounds } from './range.ts'
import type { ObjectInfo, PutOptions, StorageDriver } from './types.ts'

/** Options for `memoryStorage`. */
export interface MemoryStorageOptions {
  /** Clock for `modified`; tests pass a fixed one. Defaults to `() => new Date()`. */
  now?: () => Date
}

interface Entry {
  data: Uint8Array
  etag: string
  modified: Date
}

/**
 * A StorageDriver that keeps objects in a Map. Bytes are copied on the way in and out, so a
 * caller mutating its buffer never changes stored data. Every put gets a fresh etag.
 *
 * @example
 * const storage = memoryStorage()
 * await storage.put('users/_log/1.json', '{}', { ifNoneMatch: '*' })
 */
export function memoryStorage(options: MemoryStorageOptions = {}): StorageDriver {
  const now = options.now ?? (() => new Date())
  const objects = new Map<string, Entry>()
  // A per-instance tag keeps etags of two memory drivers from being mistaken for each other.
  const instance = Math.random().toString(36).slice(2, 8)
  let generation = 0

  const info = (key: string, entry: Entry): ObjectInfo => ({
    key,
    size: entry.data.byteLength,
    etag: entry.etag,
    modified: new Date(entry.modified.getTime()),
  })

  return {
    name: 'memory',

    async get(key: string): Promise<Uint8Array | undefined> {
      validateKey(key)
      const entry = objects.get(key)
      return entry === undefined ? undefined : entry.data.slice()
    },

    async getRange(key: string, offset: number, length: number): Promise<Uint8Array> {
      validateKey(key)
      checkRangeArgs(key, offset, length)
      const entry = objects.get(key)
      if (entry === undefined) throw new ParqueDBError('NOT_FOUND', `getRange ${JSON.stringify(key)}: no such object`, { key })
      checkRangeBounds(key, offset, length, entry.data.byteLength)
      return entry.data.slice(offset, offset + length)
    },

    async head(key: string): Promise<ObjectInfo | undefined> {
      validateKey(key)
      const entry = objects.get(key)
      return entry === undefined ? undefined : info(key, entry)
    },

    async put(key: string, data: Uint8Array | string, putOptions?: PutOptions): Promise<ObjectInfo> {
      validateKey(key)
      checkPutOptions(key, putOptions)
      const bytes = toBytes(data).slice()
      // No await between the check and the write: the check-and-set is atomic.
      const current = objects.get(key)
      if (putOptions?.ifNoneMatch === '*' && current !== undefined) throw preconditionFailed(key, 'it already exists')
      if (putOptions?.ifMatch !== undefined) {
        if (current === undefined) throw preconditionFailed(key, 'it does not exist')
        if (current.etag !== putOptions.ifMatch) throw preconditionFailed(key, 'its etag changed')
      }
      const entry: Entry = { data: bytes, etag: `${instance}-${(++generation).toString(36)}`, modified: now() }
      objects.set(key, entry)
      return info(key, entry)
    },

    async list(prefix: string): Promise<ObjectInfo[]> {
      validatePrefix(prefix)
      const found: ObjectInfo[] = []
      for (const [key, entry] of objects) if (key.startsWith(prefix)) found.push(info(key, entry))
      return found.sort((a, b) => compareKeys(a.key, b.key))
    },

    async delete(key: string): Promise<void> {
      validateKey(key)
      objects.delete(key)
    },
  }
}
