import { createHash, randomBytes } from 'node:crypto'
import type { BigIntStats } from 'node:fs'
import { link, open, readFile, rename, stat, unlink } from 'node:fs/promises'
import { hostname } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { ParqueDBError } from '../errors.ts'
import { errorCode } from './fs-errors.ts'

/** File-name suffixes the fs driver reserves for itself; such names are never keys. */
export const TEMP_SUFFIX = '.pqtmp'
export const LOCK_SUFFIX = '.pqlock'

/** Options for `withFileLock`. */
export interface FileLockOptions {
  /** A lock file older than this is assumed abandoned and may be broken. Default 30 s. */
  staleMs?: number
  /** Give up waiting for a lock after this long. Default 120 s. */
  timeoutMs?: number
}

/** Releases a held lock; safe to call once. */
export type ReleaseLock = () => Promise<void>

/**
 * A temp-file name in the same directory as `file`: unique, reserved, never a key.
 *
 * @example
 * tempPathFor('/data/users/a.parquet') // '/data/users/.Xk3...q.pqtmp'
 */
export function tempPathFor(file: string): string {
  return join(dirname(file), `.${randomBytes(9).toString('base64url')}${TEMP_SUFFIX}`)
}

/**
 * The lock-file path guarding `file`. Long names are hashed to stay within NAME_MAX.
 *
 * @example
 * lockPathFor('/data/users/_last_checkpoint.json') // '/data/users/._last_checkpoint.json.pqlock'
 */
export function lockPathFor(file: string): string {
  const base = basename(file)
  const name = Buffer.byteLength(base) <= 200 ? base : createHash('sha256').update(base).digest('hex')
  return join(dirname(file), `.${name}${LOCK_SUFFIX}`)
}

// Tells a lock left by an earlier incarnation of this same pid (containers reuse pids) from ours.
const incarnation = randomBytes(9).toString('base64url')
const host = hostname()

// Callers in this process queue here first, so only one of them at a time polls the lock file.
const localQueues = new Map<string, Promise<void>>()

/**
 * Runs `fn` while holding the lock on `file`, exclusive between processes sharing the directory.
 * The lock is a file created with O_EXCL next to `file`; one left by a dead process (same host)
 * or older than `staleMs` is broken.
 *
 * @example
 * await withFileLock('/data/users/_last_checkpoint.json', async () => { ... compare etag, rename ... })
 */
export async function withFileLock<T>(file: string, fn: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const lockPath = lockPathFor(file)
  const previous = localQueues.get(lockPath) ?? Promise.resolve()
  let done!: () => void
  const mine = new Promise<void>((resolve) => (done = resolve))
  const tail = previous.then(() => mine)
  localQueues.set(lockPath, tail)
  try {
    await previous
    const release = await acquire(lockPath, file, options)
    try {
      return await fn()
    } finally {
      await release()
    }
  } finally {
    done()
    if (localQueues.get(lockPath) === tail) localQueues.delete(lockPath)
  }
}

async function acquire(lockPath: string, file: string, options: FileLockOptions): Promise<ReleaseLock> {
  const staleMs = options.staleMs ?? 30_000
  const deadline = Date.now() + (options.timeoutMs ?? 120_000)
  let delay = 1
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx')
      let ino: bigint
      try {
        await handle.writeFile(JSON.stringify({ pid: process.pid, host, incarnation, at: Date.now() }))
        ino = (await handle.stat({ bigint: true })).ino
      } finally {
        await handle.close()
      }
      return async () => {
        // Only remove the lock if it is still ours (it may have been broken as stale meanwhile).
        const current = await statOrUndefined(lockPath)
        if (current !== undefined && current.ino === ino) await unlink(lockPath).catch(ignoreMissing)
      }
    } catch (error) {
      // The caller makes sure the directory exists; a missing one is its business (e.g. delete).
      if (errorCode(error) !== 'EEXIST') throw error
    }
    if (await breakIfStale(lockPath, staleMs)) continue
    if (Date.now() > deadline) {
      throw new ParqueDBError('STORAGE', `timed out waiting for the lock on ${JSON.stringify(file)} (${lockPath})`, { file, lockPath })
    }
    await sleep(delay + Math.random() * delay)
    delay = Math.min(delay * 2, 50)
  }
}

/** True when the lock was gone or has been removed; false when it is live. */
async function breakIfStale(lockPath: string, staleMs: number): Promise<boolean> {
  const seen = await statOrUndefined(lockPath)
  if (seen === undefined) return true
  if (!(await isStale(lockPath, seen, staleMs))) return false
  // Rename first, then check it was the lock we judged stale: two breakers racing must not
  // both delete, or the second would remove the fresh lock the first one just took.
  const aside = tempPathFor(lockPath)
  try {
    await rename(lockPath, aside)
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return true
    throw error
  }
  const moved = await statOrUndefined(aside)
  if (moved !== undefined && moved.ino !== seen.ino) {
    await link(aside, lockPath).catch(() => undefined)
    await unlink(aside).catch(ignoreMissing)
    return false
  }
  await unlink(aside).catch(ignoreMissing)
  return true
}

async function isStale(lockPath: string, seen: BigIntStats, staleMs: number): Promise<boolean> {
  if (Date.now() - Number(seen.mtimeMs) > staleMs) return true
  let owner: { pid?: unknown; host?: unknown; incarnation?: unknown }
  try {
    owner = JSON.parse(await readFile(lockPath, 'utf8')) as typeof owner
  } catch {
    // Gone, or still being written by its creator: only age can make it stale.
    return false
  }
  if (owner.host !== host || typeof owner.pid !== 'number') return false
  if (owner.pid === process.pid) return owner.incarnation !== incarnation
  return !isAlive(owner.pid)
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return errorCode(error) === 'EPERM'
  }
}

async function statOrUndefined(path: string): Promise<BigIntStats | undefined> {
  try {
    return await stat(path, { bigint: true })
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined
    throw error
  }
}

function ignoreMissing(error: unknown): void {
  if (errorCode(error) !== 'ENOENT') throw error
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
