import { ParqueDBError } from '../errors.ts'
import type { Row } from '../schema/types.ts'
import type { Table } from './table.ts'

/** The net effect of one data-changing commit: an update appears as a delete plus an insert. */
export interface CommittedChange {
  version: number
  /** Epoch ms of the commit. */
  timestamp: number
  inserts: Row[]
  /** Before-images of the rows the commit updated or deleted. */
  deletes: Row[]
}

/**
 * The ordered changes between two committed versions: versions in (fromVersion, toVersion],
 * toVersion defaulting to the newest. Commits that only move rows (compaction) are skipped.
 * Read from the files each commit names as its inserts and its before-images, so no diffing.
 *
 * @example
 * for await (const change of readChanges(table, lineage.version)) apply(change.inserts, change.deletes)
 */
export async function* readChanges(table: Table, fromVersion: number, toVersion?: number): AsyncGenerator<CommittedChange> {
  const latest = (await table.refresh()).version
  const to = toVersion ?? latest
  if (!Number.isInteger(fromVersion) || fromVersion < 0 || !Number.isInteger(to) || to < fromVersion || to > latest) {
    throw new ParqueDBError('BAD_FILTER', `${table.label}: changes(${fromVersion}, ${toVersion ?? ''}): versions must be integers with 0 <= from <= to <= ${latest}`, {
      from: fromVersion,
      to,
      latest,
    })
  }
  for await (const commit of table.log.commitsBetween(fromVersion, to)) {
    if (!commit.dataChange) continue
    if (commit.operation === 'replace') {
      throw new ParqueDBError('EXPIRED', `${table.label}: version ${commit.version} replaced the whole table; read it from scratch instead`, { version: commit.version })
    }
    const inserts: Row[] = []
    for (const file of commit.add) {
      if (file.role === 'insert') inserts.push(...(await readOrExpire(table, file.path, file.bytes, commit.version)))
    }
    const deletes = commit.deletes ? await readOrExpire(table, commit.deletes.path, commit.deletes.bytes, commit.version) : []
    yield { version: commit.version, timestamp: commit.timestamp, inserts, deletes }
  }
}

async function readOrExpire(table: Table, path: string, bytes: number, version: number): Promise<Row[]> {
  try {
    return await table.reader.readRows(path, bytes)
  } catch (error) {
    if (!ParqueDBError.isInstance(error, 'NOT_FOUND')) throw error
    throw new ParqueDBError('EXPIRED', `${table.label}: the changes of version ${version} were vacuumed; refresh from scratch instead`, { version }, { cause: error })
  }
}
