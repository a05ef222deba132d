/**
 * Numeric ids for evalite's entities. evalite's storage contract wants `number` ids (its sqlite
 * storage uses AUTOINCREMENT), but a ParqueDB store can be written by one process after another
 * (each `evalite` run) and, through separate writers, by several at once, with no shared counter.
 * So ids come from the clock, never go backwards within a sequence, and start above the largest
 * id already stored (`observe`), which makes processes that follow one another never collide
 * even when a clock is behind.
 *
 * - `wideIdSequence` (evals, results, scores, traces): `tick * 4096 + lane`, where tick counts
 *   milliseconds since 2024-01-01 (41 bits, enough until 2093 within Number.MAX_SAFE_INTEGER)
 *   and lane is a random 12-bit number drawn once per sequence. Two processes writing at once
 *   with different lanes can never produce the same id, whatever their clocks; they collide only
 *   if they drew the same lane (1 in 4096) and then used the same millisecond. The adapter also
 *   creates each row with its id as `$id`, so a collision it can see is rejected and retried.
 * - `runIdSequence` (runs): the seeds make `runId` an 'int' (32-bit), which leaves no room for a
 *   lane: seconds since 2024-01-01 (31 bits, enough until 2092), or one more than the last id.
 *   Runs start at most once per `evalite` invocation, so a process never runs ahead of the clock.
 */
export interface IdSequence {
  next(): number
  /** Moves the sequence past an id that exists already (read from the store, or a collision). */
  observe(id: number): void
}

const EPOCH_MS = Date.UTC(2024, 0, 1)
const LANES = 4096
const INT32_MAX = 2 ** 31 - 1

export interface IdSequenceOptions {
  /** Milliseconds since 1970, Date.now by default. */
  readonly now?: () => number
  /** Fixes the lane (0..4095) instead of drawing one; for tests. */
  readonly lane?: number
}

/**
 * @example
 * const ids = wideIdSequence()
 * ids.observe(largestStoredId)
 * const id = ids.next() // e.g. 243_512_345_678_901, unique and increasing
 */
export function wideIdSequence(options: IdSequenceOptions = {}): IdSequence {
  const now = options.now ?? Date.now
  const lane = options.lane ?? randomLane()
  if (!Number.isInteger(lane) || lane < 0 || lane >= LANES) throw new RangeError(`id lane must be an integer in 0..${LANES - 1}, got ${lane}`)
  let lastTick = -1
  return {
    next() {
      lastTick = Math.max(lastTick + 1, now() - EPOCH_MS)
      const id = lastTick * LANES + lane
      if (!Number.isSafeInteger(id)) throw new RangeError(`id ${id} is beyond Number.MAX_SAFE_INTEGER: the clock reads ${new Date(now()).toISOString()}`)
      return id
    },
    observe(id) {
      lastTick = Math.max(lastTick, Math.floor(id / LANES))
    },
  }
}

/**
 * @example
 * const runIds = runIdSequence()
 * runIds.next() // seconds since 2024-01-01, e.g. 62_208_000
 */
export function runIdSequence(options: Pick<IdSequenceOptions, 'now'> = {}): IdSequence {
  const now = options.now ?? Date.now
  let last = 0
  return {
    next() {
      last = Math.max(last + 1, Math.floor((now() - EPOCH_MS) / 1000))
      if (last > INT32_MAX) throw new RangeError(`run id ${last} does not fit the 32-bit runId column`)
      return last
    },
    observe(id) {
      last = Math.max(last, id)
    },
  }
}

function randomLane(): number {
  return crypto.getRandomValues(new Uint16Array(1))[0]! % LANES
}
