import { constants } from 'node:fs'
import { open, readdir, readFile, unlink, type FileHandle } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { ParqueDBError } from '../errors.ts'
import { errorCode } from '../storage/fs-errors.ts'
import { makeDirectoryDurable, syncDirectory } from '../storage/fs-sync.ts'
import { encodeFrame, MAX_RECORD_BYTES, scanFrames, type ScanResult } from './frame.ts'
import { validateMark, validateTableName } from './table-name.ts'
import { claimWalDirectory } from './wal-owner.ts'
import type { WriteAheadLog } from './types.ts'

/** Options for `fsWal`. */
export interface FsWalOptions {
  /** Directory holding one sub-directory of segments per table: `<root>/<table>/<mark>.wal`. */
  root: string
}

/** Counters for tests and metrics. */
export interface FsWalStats {
  /** Records appended through this handle. */
  appends: number
  /** write + fdatasync rounds; with group commit far fewer than appends under concurrency. */
  syncs: number
}

/** A WriteAheadLog from `fsWal`. */
export interface FsWriteAheadLog extends WriteAheadLog {
  readonly name: 'fs'
  readonly table: string
  stats(): FsWalStats
}

/** A WalFactory whose logs are FsWriteAheadLogs. */
export type FsWalFactory = (table: string) => Promise<FsWriteAheadLog>

/** One write is capped so a burst of queued appends never builds a giant buffer. */
const MAX_BATCH_BYTES = 8 * 1024 * 1024

type QueueItem =
  | { kind: 'append'; frame: Uint8Array; resolve: () => void; reject: (error: unknown) => void }
  | { kind: 'op'; run: () => Promise<unknown>; resolve: (value: unknown) => void; reject: (error: unknown) => void }

/**
 * A WalFactory over a local directory (Node only). Each table is a directory of segment files
 * `<mark>.wal` holding framed records ([u32 length][u32 crc32][bytes]). Appends are group
 * committed: while one write + fdatasync is in flight, later appends queue and go out together in
 * the next one, and each append resolves only once its bytes are synced. Opening a table cuts a
 * torn tail off its newest segment. One process at a time may open a table's log (another gets
 * CONFLICT; see wal-owner.ts); opening a table again in the same process closes the earlier
 * handle first.
 *
 * @example
 * const wal = fsWal({ root: './data/_wal' })
 * const log = await wal('TailEvents')
 * for (const record of await log.replay()) apply(record)
 * await log.append(encode(row))
 */
export function fsWal(options: FsWalOptions): FsWalFactory {
  const root = resolve(options.root)

  return async (table: string): Promise<FsWriteAheadLog> => {
    validateTableName(table)
    const dir = join(root, table)
    const previous = openLogs.get(dir)
    const opening = (async () => {
      const earlier = await previous?.catch(() => undefined)
      await earlier?.close()
      return openLog(root, table)
    })()
    openLogs.set(dir, opening)
    return opening
  }
}

// Keyed by directory, not per factory: two handles appending to one segment would interleave.
const openLogs = new Map<string, Promise<FsWriteAheadLog>>()

async function openLog(root: string, table: string): Promise<FsWriteAheadLog> {
  const dir = join(root, table)
  const label = JSON.stringify(table)
  await makeDirectoryDurable(dir).catch((error: unknown) => {
    throw failure(table, 'cannot create its directory', error)
  })
  const releaseDirectory = await claimWalDirectory(dir, table)

  const marks = await segmentMarks(table, dir)
  let mark = marks.at(-1) ?? 1
  let handle: FileHandle
  let size: number
  if (marks.length === 0) {
    handle = await createSegment(table, dir, mark)
    size = 0
  } else {
    handle = await open(segmentPath(dir, mark), constants.O_RDWR).catch((error: unknown) => {
      throw failure(table, `cannot open segment ${mark}`, error)
    })
    try {
      // Cut a torn tail now: appends must never land behind bytes that replay would stop at.
      size = (await recoverTail(table, handle, mark)).validBytes
    } catch (error) {
      await handle.close().catch(() => undefined)
      throw error
    }
  }

  const stats: FsWalStats = { appends: 0, syncs: 0 }
  const queue: QueueItem[] = []
  let pumping = false
  let closing: Promise<void> | undefined
  let closed = false
  let broken: unknown

  const enqueue = <T>(run: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      queue.push({ kind: 'op', run, resolve: resolve as (value: unknown) => void, reject })
      startPump()
    })

  const startPump = (): void => {
    if (pumping) return
    pumping = true
    // Start on a later microtask so appends issued in the same tick share the first write.
    queueMicrotask(() => void pump())
  }

  const pump = async (): Promise<void> => {
    while (queue.length > 0) {
      const head = queue[0]
      if (head === undefined) break
      if (head.kind === 'op') {
        queue.shift()
        try {
          head.resolve(await head.run())
        } catch (error) {
          head.reject(error)
        }
        continue
      }
      const batch: Extract<QueueItem, { kind: 'append' }>[] = []
      let bytes = 0
      for (const item of queue) {
        if (item.kind !== 'append') break
        if (batch.length > 0 && bytes + item.frame.byteLength > MAX_BATCH_BYTES) break
        batch.push(item)
        bytes += item.frame.byteLength
      }
      queue.splice(0, batch.length)
      try {
        await writeAndSync(batch.map((item) => item.frame), bytes)
        for (const item of batch) item.resolve()
      } catch (error) {
        for (const item of batch) item.reject(error)
      }
    }
    pumping = false
  }

  const writeAndSync = async (frames: Uint8Array[], total: number): Promise<void> => {
    if (broken !== undefined) throw failure(table, 'an earlier write failed; reopen the log to recover', broken)
    const buffer = frames.length === 1 && frames[0] !== undefined ? frames[0] : concat(frames, total)
    try {
      let written = 0
      while (written < total) {
        const { bytesWritten } = await handle.write(buffer, written, total - written, size + written)
        written += bytesWritten
      }
      await handle.datasync()
      stats.syncs++
      size += total
    } catch (error) {
      // After a failed write or fsync the file's tail is unknown, so no later append may
      // follow it; reopening re-scans the segment and cuts whatever is not intact.
      broken = error
      await handle.truncate(size).catch(() => undefined)
      throw failure(table, 'append failed', error)
    }
  }

  const ensureOpen = (operation: string): void => {
    if (closed || closing !== undefined) throw new ParqueDBError('CLOSED', `WAL ${label} is closed (${operation})`, { table })
  }

  const log: FsWriteAheadLog = {
    name: 'fs',
    table,

    append(record: Uint8Array): Promise<void> {
      try {
        ensureOpen('append')
        if (!(record instanceof Uint8Array)) throw new TypeError(`WAL ${label}: a record must be a Uint8Array`)
        if (record.byteLength > MAX_RECORD_BYTES) throw new ParqueDBError('STORAGE', `WAL ${label}: a record of ${record.byteLength} bytes is too large`, { table })
      } catch (error) {
        return Promise.reject(error)
      }
      stats.appends++
      const frame = encodeFrame(record)
      return new Promise<void>((resolve, reject) => {
        queue.push({ kind: 'append', frame, resolve, reject })
        startPump()
      })
    },

    async replay(): Promise<Uint8Array[]> {
      ensureOpen('replay')
      return enqueue(async () => {
        const records: Uint8Array[] = []
        for (const segment of await segmentMarks(table, dir)) {
          if (segment > mark) break
          if (segment === mark) {
            const scan = await recoverTail(table, handle, mark)
            size = scan.validBytes
            records.push(...scan.records)
            continue
          }
          const bytes = await readSegment(table, dir, segment)
          const scan = scanFrames(bytes)
          if (scan.validBytes !== bytes.byteLength) {
            throw new ParqueDBError('CORRUPT', `WAL ${label}: segment ${segment} is corrupt at byte ${scan.validBytes} of ${bytes.byteLength}`, { table, segment, offset: scan.validBytes })
          }
          records.push(...scan.records)
        }
        return records
      })
    },

    async rotate(): Promise<number> {
      ensureOpen('rotate')
      return enqueue(async () => {
        const next = mark + 1
        const created = await createSegment(table, dir, next)
        await handle.close().catch(() => undefined)
        handle = created
        mark = next
        size = 0
        return next
      })
    },

    async discardBefore(before: number): Promise<void> {
      ensureOpen('discardBefore')
      validateMark(table, before)
      return enqueue(async () => {
        let removed = false
        for (const segment of await segmentMarks(table, dir)) {
          if (segment >= before || segment >= mark) break
          await unlink(segmentPath(dir, segment)).catch((error: unknown) => {
            if (errorCode(error) !== 'ENOENT') throw failure(table, `cannot delete segment ${segment}`, error)
          })
          removed = true
        }
        if (removed) await syncTableDirectory(table, dir)
      })
    },

    close(): Promise<void> {
      if (closing === undefined) {
        closing = enqueue(async () => {
          closed = true
          await handle.close()
          await releaseDirectory()
        })
      }
      return closing
    },

    stats(): FsWalStats {
      return { ...stats }
    },
  }
  return log
}

async function segmentMarks(table: string, dir: string): Promise<number[]> {
  let names: string[]
  try {
    names = await readdir(dir)
  } catch (error) {
    throw failure(table, 'cannot list its segments', error)
  }
  const marks: number[] = []
  for (const name of names) {
    const match = /^(\d+)\.wal$/.exec(name)
    if (match?.[1] !== undefined) marks.push(Number(match[1]))
  }
  return marks.sort((a, b) => a - b)
}

function segmentPath(dir: string, mark: number): string {
  return join(dir, `${mark}.wal`)
}

async function createSegment(table: string, dir: string, mark: number): Promise<FileHandle> {
  try {
    const handle = await open(segmentPath(dir, mark), constants.O_RDWR | constants.O_CREAT | constants.O_EXCL, 0o644)
    // The new name must be durable before the mark is handed out or records land in it.
    await syncTableDirectory(table, dir)
    return handle
  } catch (error) {
    throw failure(table, `cannot create segment ${mark}`, error)
  }
}

async function readSegment(table: string, dir: string, mark: number): Promise<Uint8Array> {
  try {
    const buffer = await readFile(segmentPath(dir, mark))
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
  } catch (error) {
    throw failure(table, `cannot read segment ${mark}`, error)
  }
}

/** Reads the newest segment and truncates it to its intact prefix. */
async function recoverTail(table: string, handle: FileHandle, mark: number): Promise<ScanResult> {
  try {
    const { size } = await handle.stat()
    const bytes = new Uint8Array(size)
    let done = 0
    while (done < size) {
      const { bytesRead } = await handle.read(bytes, done, size - done, done)
      if (bytesRead === 0) break
      done += bytesRead
    }
    const scan = scanFrames(bytes.subarray(0, done))
    if (scan.validBytes < size) {
      await handle.truncate(scan.validBytes)
      await handle.datasync()
    }
    return scan
  } catch (error) {
    throw failure(table, `cannot recover segment ${mark}`, error)
  }
}

async function syncTableDirectory(table: string, dir: string): Promise<void> {
  try {
    await syncDirectory(dir)
  } catch (error) {
    throw failure(table, 'cannot sync its directory', error)
  }
}

function concat(frames: Uint8Array[], total: number): Uint8Array {
  const buffer = new Uint8Array(total)
  let offset = 0
  for (const frame of frames) {
    buffer.set(frame, offset)
    offset += frame.byteLength
  }
  return buffer
}

function failure(table: string, what: string, error: unknown): ParqueDBError {
  if (ParqueDBError.isInstance(error)) return error
  const message = error instanceof Error ? error.message : String(error)
  return new ParqueDBError('STORAGE', `WAL ${JSON.stringify(table)}: ${what}: ${message}`, { table, errno: errorCode(error) }, { cause: error })
}
