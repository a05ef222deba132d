import { ParqueDBError } from '../errors.ts'
import type { StorageDriver } from '../storage/types.ts'
import {
  applyCommit,
  checkpointKey,
  EMPTY_SNAPSHOT,
  lastCheckpointKey,
  logKey,
  type Commit,
  type DataFile,
  type Snapshot,
} from './commit.ts'

/** How many commits between checkpoints: opening reads one checkpoint plus at most this many commits. */
export const CHECKPOINT_INTERVAL = 32

interface CheckpointFile {
  version: number
  timestamp: number
  files: DataFile[]
  walMarks: Record<string, number>
  lineage?: Record<string, number>
}

const decoder = new TextDecoder()

/**
 * A table's log of numbered commits under `<prefix>_log/`. Versions are dense (1, 2, 3, ...),
 * so the newest one is found by probing forward from the last checkpoint instead of listing.
 *
 * @example
 * const log = commitLog(storage, 'TailEvents/', 'TailEvents')
 * const snapshot = await log.latest()
 */
export function commitLog(storage: StorageDriver, prefix: string, label: string) {
  const commits = new Map<number, Commit>()

  async function readJson<T>(key: string): Promise<T | undefined> {
    const bytes = await storage.get(key)
    if (!bytes) return undefined
    try {
      return JSON.parse(decoder.decode(bytes)) as T
    } catch (cause) {
      throw new ParqueDBError('CORRUPT', `${label}: log entry "${key}" is not valid JSON`, { key }, { cause })
    }
  }

  async function readCommit(version: number): Promise<Commit | undefined> {
    const cached = commits.get(version)
    if (cached) return cached
    const commit = await readJson<Commit>(logKey(prefix, version))
    if (commit) commits.set(version, commit)
    return commit
  }

  async function readCheckpoint(version: number): Promise<Snapshot | undefined> {
    const checkpoint = await readJson<CheckpointFile>(checkpointKey(prefix, version))
    if (!checkpoint) return undefined
    return {
      version: checkpoint.version,
      timestamp: checkpoint.timestamp,
      files: new Map(checkpoint.files.map((file) => [file.path, file])),
      walMarks: checkpoint.walMarks,
      lineage: checkpoint.lineage ?? {},
    }
  }

  /** The newest checkpoint at or before `atMost`, else the empty table. */
  async function baseSnapshot(atMost: number): Promise<Snapshot> {
    const pointer = await readJson<{ version: number }>(lastCheckpointKey(prefix))
    let version = pointer?.version ?? 0
    version = Math.min(version, atMost) - (Math.min(version, atMost) % CHECKPOINT_INTERVAL)
    for (; version > 0; version -= CHECKPOINT_INTERVAL) {
      const snapshot = await readCheckpoint(version)
      if (snapshot) return snapshot
    }
    return EMPTY_SNAPSHOT
  }

  /** Replays commits after `from` while they exist (and up to `until`). */
  async function rollForward(from: Snapshot, until = Number.POSITIVE_INFINITY): Promise<Snapshot> {
    let snapshot = from
    while (snapshot.version < until) {
      const commit = await readCommit(snapshot.version + 1)
      if (!commit) break
      snapshot = applyCommit(snapshot, commit)
    }
    return snapshot
  }

  return {
    readCommit,

    /** The newest published snapshot; pass the one you hold to only read what is new. */
    async latest(known?: Snapshot): Promise<Snapshot> {
      return rollForward(known ?? (await baseSnapshot(Number.MAX_SAFE_INTEGER)))
    },

    /** The table as of `version`; NOT_FOUND if that version was never published. */
    async atVersion(version: number): Promise<Snapshot> {
      const snapshot = await rollForward(await baseSnapshot(version), version)
      if (snapshot.version !== version) {
        throw new ParqueDBError('NOT_FOUND', `${label}: version ${version} does not exist (latest is ${snapshot.version})`, {
          version,
          latest: snapshot.version,
        })
      }
      return snapshot
    },

    /** The table as of an instant: the newest commit published at or before it. */
    async atTime(instant: Date, latest: Snapshot): Promise<Snapshot> {
      const ms = instant.getTime()
      // Commit timestamps increase with versions, so binary search the version.
      let low = 0
      let high = latest.version
      while (low < high) {
        const middle = Math.ceil((low + high) / 2)
        const commit = await readCommit(middle)
        if (commit && commit.timestamp <= ms) low = middle
        else high = middle - 1
      }
      return low === 0 ? EMPTY_SNAPSHOT : this.atVersion(low)
    },

    /**
     * Publishes `commit` as the version after `base`. Returns the new snapshot, or undefined when
     * another writer already published that version (the caller rebases and retries).
     */
    async publish(base: Snapshot, commit: Omit<Commit, 'version' | 'timestamp'>): Promise<Snapshot | undefined> {
      // Commit timestamps never go backwards, even if this machine's clock does.
      const full: Commit = { ...commit, version: base.version + 1, timestamp: Math.max(Date.now(), base.timestamp) }
      try {
        await storage.put(logKey(prefix, full.version), JSON.stringify(full), { ifNoneMatch: '*' })
      } catch (error) {
        if (ParqueDBError.isInstance(error, 'PRECONDITION_FAILED')) return undefined
        throw error
      }
      commits.set(full.version, full)
      const snapshot = applyCommit(base, full)
      if (full.version % CHECKPOINT_INTERVAL === 0) await writeCheckpoint(snapshot)
      return snapshot
    },

    /** Data-changing commits in (from, to], oldest first. */
    async *commitsBetween(from: number, to: number): AsyncGenerator<Commit> {
      for (let version = from + 1; version <= to; version++) {
        const commit = await readCommit(version)
        if (!commit) throw new ParqueDBError('NOT_FOUND', `${label}: version ${version} does not exist`, { version })
        yield commit
      }
    },
  }

  async function writeCheckpoint(snapshot: Snapshot): Promise<void> {
    const checkpoint: CheckpointFile = {
      version: snapshot.version,
      timestamp: snapshot.timestamp,
      files: [...snapshot.files.values()],
      walMarks: { ...snapshot.walMarks },
      lineage: { ...snapshot.lineage },
    }
    try {
      await storage.put(checkpointKey(prefix, snapshot.version), JSON.stringify(checkpoint), { ifNoneMatch: '*' })
    } catch (error) {
      // A checkpoint is derived data: another writer may have written the same one first.
      if (!ParqueDBError.isInstance(error, 'PRECONDITION_FAILED')) throw error
    }
    await storage.put(lastCheckpointKey(prefix), JSON.stringify({ version: snapshot.version }))
  }
}

export type CommitLog = ReturnType<typeof commitLog>
