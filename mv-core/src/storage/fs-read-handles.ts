import { open, type FileHandle } from 'node:fs/promises'

/** Handles kept open at most; the least recently used is closed first. */
const MAX_OPEN = 64
/** A handle nobody used for this long is closed. */
const IDLE_MS = 2_000

interface Entry {
  readonly opened: Promise<{ handle: FileHandle; size: number }>
  users: number
  timer: ReturnType<typeof setTimeout> | undefined
  /** Forgotten (its file was replaced or deleted here): close once the last user is done. */
  stale: boolean
}

/**
 * Open read handles of files that are never rewritten in place (Parquet data files are
 * published create-only), so reading many ranges of one file costs one open and one stat
 * instead of an open, a stat and a close each. A put or delete of the file through the same
 * driver forgets its handle; idle handles close after two seconds and never keep the process
 * alive.
 *
 * @example
 * const bytes = await handles.use(path, async (handle, size) => read(handle, offset, length))
 */
export class ReadHandles {
  readonly #entries = new Map<string, Entry>()

  /** Runs `work` with an open handle of `file` and its size; open errors propagate as they are. */
  async use<T>(file: string, work: (handle: FileHandle, size: number) => Promise<T>): Promise<T> {
    let entry = this.#entries.get(file)
    if (entry === undefined) {
      entry = { opened: openForReading(file), users: 0, timer: undefined, stale: false }
      this.#entries.set(file, entry)
      entry.opened.catch(() => this.#entries.get(file) === entry && this.#entries.delete(file))
    } else {
      // Most recently used last: re-insert.
      this.#entries.delete(file)
      this.#entries.set(file, entry)
    }
    entry.users++
    clearTimeout(entry.timer)
    this.#evict()
    try {
      const { handle, size } = await entry.opened
      return await work(handle, size)
    } finally {
      entry.users--
      this.#release(file, entry)
    }
  }

  /** The file was replaced or deleted: later reads open it afresh. */
  forget(file: string): void {
    const entry = this.#entries.get(file)
    if (entry === undefined) return
    this.#entries.delete(file)
    entry.stale = true
    this.#release(file, entry)
  }

  #release(file: string, entry: Entry): void {
    if (entry.users > 0) return
    if (entry.stale) return void close(entry)
    clearTimeout(entry.timer)
    entry.timer = setTimeout(() => {
      if (entry.users > 0 || this.#entries.get(file) !== entry) return
      this.#entries.delete(file)
      void close(entry)
    }, IDLE_MS)
    entry.timer.unref?.()
  }

  #evict(): void {
    for (const [file, entry] of this.#entries) {
      if (this.#entries.size <= MAX_OPEN) return
      if (entry.users > 0) continue
      this.forget(file)
    }
  }
}

async function openForReading(file: string): Promise<{ handle: FileHandle; size: number }> {
  const handle = await open(file, 'r')
  try {
    const info = await handle.stat()
    if (!info.isFile()) throw Object.assign(new Error(`${file} is not a file`), { code: 'ENOENT' })
    return { handle, size: info.size }
  } catch (error) {
    await handle.close().catch(() => undefined)
    throw error
  }
}

async function close(entry: Entry): Promise<void> {
  clearTimeout(entry.timer)
  try {
    await (await entry.opened).handle.close()
  } catch {
    // It never opened, or is closed already: nothing to release.
  }
}
