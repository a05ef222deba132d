/**
 * A bounded, batching write queue: the model call only pushes a record into memory; a background
 * drain writes batches with `bulkCreate`. When the database is slow or failing, the queue fills
 * to its bound and further records are dropped and counted, so recording never blocks, slows or
 * fails the caller.
 */

export interface RecordQueueOptions {
  /** Most records held in memory (waiting or being written); beyond it records are dropped. Default 10,000. */
  readonly maxQueued?: number
  /** Most records per `bulkCreate`. Default 500. */
  readonly batchSize?: number
  /** How long records wait to be batched with later ones, in ms. Default 20. */
  readonly flushDelayMs?: number
  /** Told about every failed write (the records are dropped and counted). */
  readonly onError?: (error: unknown, details: { collection: string; records: number }) => void
}

export interface RecordQueueStats {
  /** Records waiting or being written now. */
  readonly queued: number
  /** Records acknowledged by the database. */
  readonly written: number
  /** Records lost: the queue was full, or their write failed. */
  readonly dropped: number
  /** Writes (batches) that failed. */
  readonly failedWrites: number
  readonly lastError: unknown
}

/** A collection's writer: `db.AIRequests.bulkCreate`. */
export type BatchWriter<T> = (records: readonly T[]) => PromiseLike<unknown>

export interface RecordQueue<T> {
  /** Queues a record; false (and counted as dropped) when the queue is full. Never throws. */
  push(collection: string, record: T): boolean
  /** Counts a record lost before it reached the queue (it could not be built). */
  discard(count: number): void
  /** Resolves once every record queued so far has been written or dropped. Never rejects. */
  flush(): Promise<void>
  stats(): RecordQueueStats
}

/**
 * @example
 * const queue = createRecordQueue({ AIRequests: (rows) => db.AIRequests.bulkCreate(rows) }, { maxQueued: 1000 })
 * queue.push('AIRequests', row)
 * await queue.flush()
 */
export function createRecordQueue<T>(writers: Readonly<Record<string, BatchWriter<T>>>, options: RecordQueueOptions = {}): RecordQueue<T> {
  const maxQueued = options.maxQueued ?? 10_000
  const batchSize = options.batchSize ?? 500
  const flushDelayMs = options.flushDelayMs ?? 20
  if (!(Number.isInteger(maxQueued) && maxQueued > 0)) throw new RangeError(`[parquedb] ai-sdk: maxQueued must be a positive integer, got ${maxQueued}`)
  if (!(Number.isInteger(batchSize) && batchSize > 0)) throw new RangeError(`[parquedb] ai-sdk: batchSize must be a positive integer, got ${batchSize}`)

  const pending = new Map<string, T[]>(Object.keys(writers).map((name) => [name, []]))
  let queued = 0
  let written = 0
  let dropped = 0
  let failedWrites = 0
  let lastError: unknown
  let timer: ReturnType<typeof setTimeout> | undefined
  let draining: Promise<void> | undefined

  const fail = (error: unknown, collection: string, records: number) => {
    dropped += records
    failedWrites++
    lastError = error
    try {
      options.onError?.(error, { collection, records })
    } catch {
      // A throwing error hook must not stop the drain.
    }
  }

  const writeBatch = async (collection: string, writer: BatchWriter<T>, batch: T[]) => {
    try {
      await writer(batch)
      written += batch.length
    } catch (error) {
      fail(error, collection, batch.length)
    } finally {
      queued -= batch.length
    }
  }

  // One drain at a time: while a write is in flight, new records gather into the next batches.
  const drain = async () => {
    for (;;) {
      const writes: Promise<void>[] = []
      for (const [collection, records] of pending) {
        if (records.length === 0) continue
        writes.push(writeBatch(collection, writers[collection] as BatchWriter<T>, records.splice(0, batchSize)))
      }
      if (writes.length === 0) return
      await Promise.all(writes)
    }
  }

  const startDrain = () => {
    timer = undefined
    draining ??= drain().finally(() => {
      draining = undefined
      if (hasPending()) schedule()
    })
    return draining
  }

  const hasPending = () => [...pending.values()].some((records) => records.length > 0)

  const schedule = () => {
    if (timer === undefined && draining === undefined) timer = setTimeout(startDrain, flushDelayMs)
  }

  return {
    push(collection, record) {
      const records = pending.get(collection)
      if (records === undefined || queued >= maxQueued) {
        dropped++
        return false
      }
      records.push(record)
      queued++
      schedule()
      return true
    },
    discard(count) {
      dropped += count
    },
    async flush() {
      while (queued > 0) {
        if (timer !== undefined) clearTimeout(timer)
        await startDrain()
      }
    },
    stats: () => ({ queued, written, dropped, failedWrites, lastError }),
  }
}
