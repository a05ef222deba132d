import type { BigIntStats } from 'node:fs'
import { link, open, readdir, readFile, rename, stat, unlink, type FileHandle } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { ParqueDBError } from '../errors.ts'
import { toBytes } from './bytes.ts'
import { errorCode, storageError } from './fs-errors.ts'
import { LOCK_SUFFIX, TEMP_SUFFIX, tempPathFor, withFileLock } from './fs-lock.ts'
import { ReadHandles } from './fs-read-handles.ts'
import { makeDirectoryDurable, syncDirectory } from './fs-sync.ts'
import { compareKeys, validateKey, validatePrefix } from './keys.ts'
import { checkPutOptions, preconditionFailed } from './preconditions.ts'
import { checkRangeArgs, checkRangeBounds } from './range.ts'
import type { ObjectInfo, PutOptions, StorageDriver } from './types.ts'

/** Options for `fsStorage`. */
export interface FsStorageOptions {
  /** Directory holding the objects; key 'a/b.parquet' is the file `<root>/a/b.parquet`. */
  root: string
  /** A lock file older than this is taken to be abandoned. Default 30 s. */
  staleLockMs?: number
}

/** Temp files left by a crashed writer are removed by `list` once older than this. */
const ABANDONED_TEMP_MS = 60 * 60 * 1000

/**
 * A StorageDriver over a local directory (Node only). Puts are atomic and durable: the bytes go
 * to a temp file in the target directory, are fsynced, then renamed (or, create-only, hard-linked)
 * into place and the directory is fsynced. Create-only and if-match puts are race-free between
 * processes. A key and a key below it ('a' and 'a/b') cannot both exist on a filesystem.
 *
 * @example
 * const storage = fsStorage({ root: './data' })
 * await storage.put('users/_log/00000001.json', '{}', { ifNoneMatch: '*' })
 */
export function fsStorage(options: FsStorageOptions): StorageDriver {
  const root = resolve(options.root)
  const lockOptions = { staleMs: options.staleLockMs }
  const handles = new ReadHandles()

  const pathOf = (key: string): string => {
    validateKey(key)
    for (const segment of key.split('/')) {
      if (isReserved(segment)) {
        throw new ParqueDBError('BAD_KEY', `invalid storage key ${JSON.stringify(key)}: names ending in ${TEMP_SUFFIX} or ${LOCK_SUFFIX} are reserved by the fs driver`, { key })
      }
    }
    return join(root, ...key.split('/'))
  }

  return {
    name: 'fs',

    async get(key: string): Promise<Uint8Array | undefined> {
      const file = pathOf(key)
      try {
        const buffer = await readFile(file)
        return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
      } catch (error) {
        if (isAbsent(error)) return undefined
        throw storageError(`get ${JSON.stringify(key)}`, error, { key })
      }
    },

    async getRange(key: string, offset: number, length: number): Promise<Uint8Array> {
      const file = pathOf(key)
      checkRangeArgs(key, offset, length)
      const read = async (handle: FileHandle, size: number) => {
        checkRangeBounds(key, offset, length, size)
        const bytes = new Uint8Array(length)
        let done = 0
        while (done < length) {
          const { bytesRead } = await handle.read(bytes, done, length - done, offset + done)
          if (bytesRead === 0) throw new ParqueDBError('STORAGE', `getRange ${JSON.stringify(key)}: object shrank while reading`, { key })
          done += bytesRead
        }
        return bytes
      }
      try {
        // Data files are written once: their handles are kept between range reads.
        if (key.endsWith('.parquet')) return await handles.use(file, read)
        const handle = await open(file, 'r')
        try {
          const info = await handle.stat()
          if (!info.isFile()) throw Object.assign(new Error(`${file} is not a file`), { code: 'ENOENT' })
          return await read(handle, info.size)
        } finally {
          await handle.close()
        }
      } catch (error) {
        if (isAbsent(error)) throw new ParqueDBError('NOT_FOUND', `getRange ${JSON.stringify(key)}: no such object`, { key })
        throw storageError(`getRange ${JSON.stringify(key)}`, error, { key })
      }
    },

    async head(key: string): Promise<ObjectInfo | undefined> {
      const file = pathOf(key)
      try {
        const info = await stat(file, { bigint: true })
        return info.isFile() ? objectInfo(key, info) : undefined
      } catch (error) {
        if (isAbsent(error)) return undefined
        throw storageError(`head ${JSON.stringify(key)}`, error, { key })
      }
    },

    async put(key: string, data: Uint8Array | string, putOptions?: PutOptions): Promise<ObjectInfo> {
      const file = pathOf(key)
      handles.forget(file)
      checkPutOptions(key, putOptions)
      const bytes = toBytes(data)
      const dir = dirname(file)
      const temp = tempPathFor(file)
      let handle: FileHandle | undefined
      try {
        await makeDirectoryDurable(dir)
        handle = await open(temp, 'wx')
        await handle.writeFile(bytes)
        // A random sub-millisecond mtime: filesystem clocks tick in milliseconds or coarser, and a
        // reused inode with the same size and tick would otherwise repeat an old etag.
        const mtime = (Date.now() + Math.random()) / 1000
        await handle.utimes(mtime, mtime)
        await handle.sync()
        if (putOptions?.ifNoneMatch === '*') await publishIfAbsent(key, temp, file, lockOptions)
        else await publishLocked(key, temp, file, putOptions?.ifMatch, lockOptions)
        await syncDirectory(dir)
        // fstat, not stat: another writer may already have replaced the path; the etag is ours.
        return objectInfo(key, await handle.stat({ bigint: true }))
      } catch (error) {
        throw storageError(`put ${JSON.stringify(key)}`, error, { key })
      } finally {
        await handle?.close()
        await unlink(temp).catch(() => undefined)
      }
    },

    async list(prefix: string): Promise<ObjectInfo[]> {
      validatePrefix(prefix)
      const segments = prefix === '' ? [] : prefix.slice(0, -1).split('/')
      if (segments.some(isReserved)) return []
      try {
        const found: ObjectInfo[] = []
        await walk(join(root, ...segments), prefix, found)
        return found.sort((a, b) => compareKeys(a.key, b.key))
      } catch (error) {
        throw storageError(`list ${JSON.stringify(prefix)}`, error, { prefix })
      }
    },

    async delete(key: string): Promise<void> {
      const file = pathOf(key)
      handles.forget(file)
      try {
        // Checked first so deleting an absent key never creates directories for a lock file.
        if (!(await exists(file))) return
        await withFileLock(
          file,
          async () => {
            try {
              await unlink(file)
            } catch (error) {
              if (isAbsent(error) || (await isDirectory(file))) return
              throw error
            }
            await syncDirectory(dirname(file))
          },
          lockOptions,
        )
      } catch (error) {
        if (isAbsent(error)) return
        throw storageError(`delete ${JSON.stringify(key)}`, error, { key })
      }
    },
  }
}

/** Create-only publish: link() fails atomically with EEXIST when the key exists, across processes. */
async function publishIfAbsent(key: string, temp: string, file: string, lockOptions: { staleMs?: number | undefined }): Promise<void> {
  try {
    await link(temp, file)
    await unlink(temp).catch(() => undefined)
    return
  } catch (error) {
    if (errorCode(error) === 'EEXIST') throw preconditionFailed(key, 'it already exists')
    if (!linkUnsupported(error)) throw error
  }
  // Filesystems without hard links: every replacing writer holds the key's lock, so an
  // existence check under that lock is just as exclusive.
  await withFileLock(
    file,
    async () => {
      if (await exists(file)) throw preconditionFailed(key, 'it already exists')
      await rename(temp, file)
    },
    lockOptions,
  )
}

/** Replacing publish under the key's lock, so an etag check and the rename are one step. */
async function publishLocked(key: string, temp: string, file: string, ifMatch: string | undefined, lockOptions: { staleMs?: number | undefined }): Promise<void> {
  await withFileLock(
    file,
    async () => {
      if (ifMatch !== undefined) {
        let current: BigIntStats
        try {
          current = await stat(file, { bigint: true })
        } catch (error) {
          if (isAbsent(error)) throw preconditionFailed(key, 'it does not exist')
          throw error
        }
        if (!current.isFile()) throw preconditionFailed(key, 'it does not exist')
        if (etagOf(current) !== ifMatch) throw preconditionFailed(key, 'its etag changed')
      }
      await rename(temp, file)
    },
    lockOptions,
  )
}

async function walk(dir: string, keyPrefix: string, found: ObjectInfo[]): Promise<void> {
  let entries
  try {
    entries = await readdir(dir, { withFileTypes: true })
  } catch (error) {
    if (isAbsent(error)) return
    throw error
  }
  await Promise.all(
    entries.map(async (entry) => {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) return walk(path, `${keyPrefix}${entry.name}/`, found)
      if (!entry.isFile()) return
      if (entry.name.endsWith(TEMP_SUFFIX)) return removeIfAbandoned(path)
      if (entry.name.endsWith(LOCK_SUFFIX)) return
      try {
        const info = await stat(path, { bigint: true })
        if (info.isFile()) found.push(objectInfo(`${keyPrefix}${entry.name}`, info))
      } catch (error) {
        if (!isAbsent(error)) throw error
      }
    }),
  )
}

async function removeIfAbandoned(path: string): Promise<void> {
  try {
    const info = await stat(path)
    if (Date.now() - info.mtimeMs > ABANDONED_TEMP_MS) await unlink(path)
  } catch {
    // Best effort: a temp file that vanished or cannot be removed is simply skipped.
  }
}

/**
 * Inode, modification time (ns) and size: a replace always renames a new inode into place, and
 * the old inode is still in use until the rename, so consecutive versions never share an etag;
 * the randomized mtime set on publish keeps a later reuse of an inode from repeating one.
 */
function etagOf(info: BigIntStats): string {
  return `${info.ino.toString(36)}-${info.mtimeNs.toString(36)}-${info.size.toString(36)}`
}

function objectInfo(key: string, info: BigIntStats): ObjectInfo {
  return { key, size: Number(info.size), etag: etagOf(info), modified: new Date(Number(info.mtimeMs)) }
}

function isReserved(segment: string): boolean {
  return segment.endsWith(TEMP_SUFFIX) || segment.endsWith(LOCK_SUFFIX)
}

function isAbsent(error: unknown): boolean {
  const code = errorCode(error)
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR'
}

function linkUnsupported(error: unknown): boolean {
  const code = errorCode(error)
  return code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS'
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch (error) {
    if (isAbsent(error)) return false
    throw error
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory()
  } catch {
    return false
  }
}
