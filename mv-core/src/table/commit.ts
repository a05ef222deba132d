import type { StatsByColumn } from '../schema/types.ts'

/**
 * One Parquet file a commit adds. `role` says why it exists, which is what lets the changelog
 * be read back without diffing files: 'insert' files hold rows that are new in this commit
 * (inserts and the after-images of updates), 'rewrite' files are survivors of files rewritten
 * to drop deleted or updated rows, 'compact' files hold rows moved by compaction.
 */
export interface DataFile {
  /** Key relative to the table's prefix, e.g. 'data/01J....parquet'. */
  path: string
  role: 'insert' | 'rewrite' | 'compact'
  rows: number
  bytes: number
  stats: StatsByColumn
}

/**
 * A published commit: `_log/<version>.json`, written create-only so that of two writers racing
 * for the same version exactly one wins.
 */
export interface Commit {
  version: number
  /** Epoch ms when the commit was published. */
  timestamp: number
  writer: string
  /** 'replace' swaps the whole contents (a full refresh) and carries no before-images. */
  operation: 'write' | 'compact' | 'replace'
  /** False for commits that only move rows (compaction): the changelog skips them. */
  dataChange: boolean
  add: DataFile[]
  remove: string[]
  /** Before-images of the rows this commit deleted or updated, when there are any. */
  deletes?: { path: string; rows: number; bytes: number }
  /** The writer's WAL mark: its log records before this mark are contained in this or earlier commits. */
  walMark?: number
  /** Derived tables (views): the committed source versions their contents reflect from now on. */
  lineage?: Record<string, number>
}

/** The live state of a table at one version. */
export interface Snapshot {
  version: number
  /** Timestamp of the commit that made this version (0 for the empty table). */
  timestamp: number
  files: ReadonlyMap<string, DataFile>
  /** Per writer, the WAL mark of its newest commit: replay after a restart starts there. */
  walMarks: Readonly<Record<string, number>>
  /** For derived tables: the source versions the contents reflect (see Commit.lineage). */
  lineage: Readonly<Record<string, number>>
}

export const EMPTY_SNAPSHOT: Snapshot = Object.freeze({ version: 0, timestamp: 0, files: new Map(), walMarks: {}, lineage: {} })

/** The snapshot after `commit`, sharing nothing mutable with `snapshot`. */
export function applyCommit(snapshot: Snapshot, commit: Commit): Snapshot {
  const files = new Map(snapshot.files)
  for (const path of commit.remove) files.delete(path)
  for (const file of commit.add) files.set(file.path, file)
  const walMarks = commit.walMark === undefined ? snapshot.walMarks : { ...snapshot.walMarks, [commit.writer]: commit.walMark }
  const lineage = commit.lineage === undefined ? snapshot.lineage : { ...snapshot.lineage, ...commit.lineage }
  return { version: commit.version, timestamp: commit.timestamp, files, walMarks, lineage }
}

export function logKey(prefix: string, version: number): string {
  return `${prefix}_log/${String(version).padStart(20, '0')}.json`
}

export function checkpointKey(prefix: string, version: number): string {
  return `${prefix}_log/${String(version).padStart(20, '0')}.checkpoint.json`
}

export function lastCheckpointKey(prefix: string): string {
  return `${prefix}_log/_last_checkpoint.json`
}
