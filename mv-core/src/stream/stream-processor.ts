import type { Collection } from '../collection.ts'
import { ParqueDBError } from '../errors.ts'
import type { Row } from '../schema/types.ts'
import type { StreamAdapter } from './stream-adapter.ts'

export interface StreamProcessorOptions {
  adapter: StreamAdapter
  /** Events written per batch (default 100). */
  batchSize?: number
  /** A partial batch is written after this long (default 1,000 ms). */
  flushIntervalMs?: number
  /**
   * Called for each event the collection rejects (it fails validation), which is then skipped.
   * Without it, a rejected event stops the processor, so nothing is dropped silently.
   */
  onReject?: (error: ParqueDBError, event: Row) => void
}

export interface StreamProcessorStats {
  received: number
  written: number
  rejected: number
  batches: number
}

/**
 * Feeds a stream of events into a collection in batches, so the streaming views over it stay
 * current (`db.createStreamProcessor`). Events are written when `batchSize` of them are waiting
 * or `flushIntervalMs` after the first; the adapter is read no faster than batches are written.
 * `stop()` stops reading, writes what is buffered, and waits until the views have taken it in.
 *
 * @example
 * const processor = db.createStreamProcessor({ views: [WorkerLogs], adapter, batchSize: 100, flushIntervalMs: 5000 })
 * await processor.start()
 * await processor.stop()
 */
export class StreamProcessor {
  readonly #collection: Collection
  readonly #settle: () => Promise<void>
  readonly #adapter: StreamAdapter
  readonly #batchSize: number
  readonly #flushIntervalMs: number
  readonly #onReject: StreamProcessorOptions['onReject']
  readonly #stats: StreamProcessorStats = { received: 0, written: 0, rejected: 0, batches: 0 }
  #buffer: Row[] = []
  #writing: Promise<void> = Promise.resolve()
  #timer: ReturnType<typeof setTimeout> | undefined
  #abort: AbortController | undefined
  #running: Promise<void> | undefined
  #failure: unknown

  /** `settle` waits until the views have applied what was written (the database's view drain). */
  constructor(collection: Collection, settle: () => Promise<void>, options: StreamProcessorOptions) {
    const fail = (message: string) => new ParqueDBError('VALIDATION', `createStreamProcessor: ${message}`)
    if (typeof options.adapter?.events !== 'function') throw fail('adapter must come from createStreamAdapter')
    const batchSize = options.batchSize ?? 100
    const flushIntervalMs = options.flushIntervalMs ?? 1_000
    if (!(Number.isInteger(batchSize) && batchSize > 0)) throw fail(`batchSize must be a positive integer, got ${String(batchSize)}`)
    if (!(Number.isFinite(flushIntervalMs) && flushIntervalMs > 0)) throw fail(`flushIntervalMs must be a positive number, got ${String(flushIntervalMs)}`)
    this.#collection = collection
    this.#settle = settle
    this.#adapter = options.adapter
    this.#batchSize = batchSize
    this.#flushIntervalMs = flushIntervalMs
    this.#onReject = options.onReject
  }

  get running(): boolean {
    return this.#running !== undefined
  }

  /** Counts since the processor was made. */
  get stats(): StreamProcessorStats {
    return { ...this.#stats }
  }

  /** Starts reading the adapter; resolves at once. A processor that was stopped can start again. */
  async start(): Promise<void> {
    if (this.#running) throw new ParqueDBError('VALIDATION', `stream processor for "${this.#collection.name}": already started`)
    this.#failure = undefined
    this.#abort = new AbortController()
    this.#running = this.#run(this.#abort.signal)
  }

  /**
   * Stops reading, writes every buffered event, and resolves once the views have applied them.
   * Rejects with the error that stopped the processor, if one did.
   */
  async stop(): Promise<void> {
    if (!this.#running) return
    this.#abort?.abort()
    await this.#running
    this.#running = undefined
    if (this.#failure !== undefined) throw this.#failure
    await this.#settle()
  }

  async #run(signal: AbortSignal): Promise<void> {
    try {
      for await (const event of this.#adapter.events(signal)) {
        this.#stats.received++
        this.#buffer.push(event)
        if (this.#buffer.length >= this.#batchSize) await this.#write()
        else this.#timer ??= setTimeout(() => void this.#write().catch(() => undefined), this.#flushIntervalMs)
        if (this.#failure !== undefined) break
      }
      await this.#write()
    } catch (error) {
      this.#failure ??= error
    } finally {
      clearTimeout(this.#timer)
      this.#timer = undefined
    }
  }

  /** Writes what is buffered, after any write under way. */
  #write(): Promise<void> {
    clearTimeout(this.#timer)
    this.#timer = undefined
    const batch = this.#buffer
    this.#buffer = []
    const next = this.#writing.then(() => (batch.length === 0 || this.#failure !== undefined ? undefined : this.#writeBatch(batch)))
    this.#writing = next.catch((error: unknown) => {
      this.#failure ??= error
    })
    return this.#writing
  }

  async #writeBatch(batch: Row[]): Promise<void> {
    try {
      await this.#collection.bulkCreate(batch)
      this.#stats.written += batch.length
      this.#stats.batches++
    } catch (error) {
      if (!ParqueDBError.isInstance(error, 'VALIDATION') || this.#onReject === undefined) throw error
      // One bad event must not take its batch down: write them one by one, reporting the rejected.
      for (const event of batch) {
        try {
          await this.#collection.create(event)
          this.#stats.written++
        } catch (single) {
          if (!ParqueDBError.isInstance(single, 'VALIDATION')) throw single
          this.#stats.rejected++
          this.#onReject(single, event)
        }
      }
      this.#stats.batches++
    }
  }
}
