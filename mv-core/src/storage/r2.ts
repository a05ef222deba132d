import { ParqueDBError } from '../errors.ts'
import { toBytes } from './bytes.ts'
import { compareKeys, validateKey, validatePrefix } from './keys.ts'
import { checkPutOptions, preconditionFailed } from './preconditions.ts'
import { checkRangeArgs, checkRangeBounds } from './range.ts'
import type { ObjectInfo, PutOptions, StorageDriver } from './types.ts'

/** The part of a Workers `R2Object` this driver reads. */
export interface R2ObjectLike {
  readonly key: string
  readonly size: number
  /** Unquoted etag, the form `onlyIf.etagMatches` takes. */
  readonly etag: string
  readonly uploaded: Date
}

/** The part of a Workers `R2ObjectBody` this driver reads. */
export interface R2ObjectBodyLike extends R2ObjectLike {
  arrayBuffer(): Promise<ArrayBuffer>
}

/** The part of a Workers `R2Conditional` this driver sends. */
export interface R2ConditionalLike {
  etagMatches?: string
  etagDoesNotMatch?: string
}

/**
 * The slice of a Workers `R2Bucket` binding the driver uses, declared here so this package
 * needs no Workers type package at runtime. A real `env.BUCKET` is assignable to it.
 */
export interface R2BucketLike {
  head(key: string): Promise<R2ObjectLike | null>
  get(key: string, options?: { range?: { offset: number; length: number } }): Promise<R2ObjectBodyLike | null>
  /** Resolves null when an `onlyIf` precondition fails. */
  put(key: string, value: Uint8Array, options?: { onlyIf?: R2ConditionalLike }): Promise<R2ObjectLike | null>
  list(options?: { prefix?: string; cursor?: string; limit?: number }): Promise<{ objects: R2ObjectLike[]; truncated: boolean; cursor?: string }>
  delete(keys: string | string[]): Promise<void>
}

/** Options for `r2Storage`. */
export interface R2StorageOptions {
  /** The R2 binding, e.g. `env.BUCKET`. */
  bucket: R2BucketLike
}

/**
 * A StorageDriver over a Cloudflare R2 bucket binding (Workers). Create-only puts send
 * `onlyIf: { etagDoesNotMatch: '*' }` and if-match puts `onlyIf: { etagMatches }`; R2 evaluates
 * them atomically and answers null when they fail. R2 etags are content MD5s, so rewriting
 * identical bytes keeps the etag.
 *
 * @example
 * export default { async fetch(req: Request, env: { BUCKET: R2Bucket }) {
 *   const storage = r2Storage({ bucket: env.BUCKET })
 *   await storage.put('users/_log/00000001.json', '{}', { ifNoneMatch: '*' })
 * } }
 */
export function r2Storage(options: R2StorageOptions): StorageDriver {
  const { bucket } = options

  return {
    name: 'r2',

    async get(key: string): Promise<Uint8Array | undefined> {
      validateKey(key)
      const body = await call('get', key, () => bucket.get(key))
      if (body === null) return undefined
      return new Uint8Array(await call('get', key, () => body.arrayBuffer()))
    },

    async getRange(key: string, offset: number, length: number): Promise<Uint8Array> {
      validateKey(key)
      checkRangeArgs(key, offset, length)
      if (length === 0) {
        // R2 refuses empty ranges; a head still checks existence and bounds.
        const info = await call('getRange', key, () => bucket.head(key))
        if (info === null) throw notFound(key)
        checkRangeBounds(key, offset, 0, info.size)
        return new Uint8Array(0)
      }
      let body: R2ObjectBodyLike | null
      try {
        body = await bucket.get(key, { range: { offset, length } })
      } catch (error) {
        // R2 rejects a range starting at or past the end; report it like the other drivers do.
        const info = await call('getRange', key, () => bucket.head(key))
        if (info === null) throw notFound(key)
        checkRangeBounds(key, offset, length, info.size)
        throw wrap('getRange', key, error)
      }
      if (body === null) throw notFound(key)
      const found = body
      const bytes = new Uint8Array(await call('getRange', key, () => found.arrayBuffer()))
      // R2 shortens a range running past the end; never hand back fewer bytes than asked for.
      checkRangeBounds(key, offset, length, found.size)
      if (bytes.byteLength !== length) {
        throw new ParqueDBError('STORAGE', `getRange ${JSON.stringify(key)}: R2 returned ${bytes.byteLength} of ${length} bytes`, { key, offset, length })
      }
      return bytes
    },

    async head(key: string): Promise<ObjectInfo | undefined> {
      validateKey(key)
      const info = await call('head', key, () => bucket.head(key))
      return info === null ? undefined : objectInfo(info)
    },

    async put(key: string, data: Uint8Array | string, putOptions?: PutOptions): Promise<ObjectInfo> {
      validateKey(key)
      checkPutOptions(key, putOptions)
      const bytes = toBytes(data)
      let onlyIf: R2ConditionalLike | undefined
      if (putOptions?.ifNoneMatch === '*') onlyIf = { etagDoesNotMatch: '*' }
      else if (putOptions?.ifMatch !== undefined) onlyIf = { etagMatches: putOptions.ifMatch }
      const result = await call('put', key, () => bucket.put(key, bytes, onlyIf === undefined ? undefined : { onlyIf }))
      if (result === null) {
        if (onlyIf === undefined) throw new ParqueDBError('STORAGE', `put ${JSON.stringify(key)}: R2 stored nothing`, { key })
        throw preconditionFailed(key, putOptions?.ifNoneMatch === '*' ? 'it already exists' : 'its etag changed or it does not exist')
      }
      return objectInfo(result)
    },

    async list(prefix: string): Promise<ObjectInfo[]> {
      validatePrefix(prefix)
      const found: ObjectInfo[] = []
      let cursor: string | undefined
      do {
        const page = await call('list', prefix, () => bucket.list(cursor === undefined ? { prefix, limit: 1000 } : { prefix, cursor, limit: 1000 }))
        for (const object of page.objects) found.push(objectInfo(object))
        cursor = page.truncated ? page.cursor : undefined
      } while (cursor !== undefined)
      return found.sort((a, b) => compareKeys(a.key, b.key))
    },

    async delete(key: string): Promise<void> {
      validateKey(key)
      await call('delete', key, () => bucket.delete(key))
    },
  }
}

function objectInfo(object: R2ObjectLike): ObjectInfo {
  return { key: object.key, size: object.size, etag: object.etag, modified: new Date(object.uploaded.getTime()) }
}

async function call<T>(operation: string, key: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (error) {
    throw wrap(operation, key, error)
  }
}

function wrap(operation: string, key: string, error: unknown): ParqueDBError {
  if (ParqueDBError.isInstance(error)) return error
  const message = error instanceof Error ? error.message : String(error)
  return new ParqueDBError('STORAGE', `${operation} ${JSON.stringify(key)}: R2 failed: ${message}`, { key }, { cause: error })
}

function notFound(key: string): ParqueDBError {
  return new ParqueDBError('NOT_FOUND', `getRange ${JSON.stringify(key)}: no such object`, { key })
}
