import type { Row } from '../schema/types.ts'
import type { DataFile } from './commit.ts'
import type { Table } from './table.ts'

export interface CompactOptions {
  /** Files with fewer rows than this are merged, into files of up to this many rows (default 250,000). */
  targetRows?: number
  /** Merge only when at least this many small files exist (default 4). */
  minFiles?: number
}

export interface CompactResult {
  removed: string[]
  added: string[]
  version: number
}

/**
 * Merges small data files into larger ones in a commit marked as not changing data, so the
 * changelog skips it. Optimistic: if a concurrent commit removed one of the files being merged
 * (an update rewrote it), this round gives up and leaves it for the next.
 *
 * @example
 * await compactTable(table, { targetRows: 500_000 })
 */
export async function compactTable(table: Table, options: CompactOptions = {}): Promise<CompactResult | null> {
  const targetRows = options.targetRows ?? 250_000
  const minFiles = options.minFiles ?? 4
  const base = await table.refresh()
  const small = [...base.files.values()].filter((file) => file.rows < targetRows)
  if (small.length < Math.max(2, minFiles)) return null

  const groups: DataFile[][] = []
  let group: DataFile[] = []
  let rows = 0
  for (const file of small) {
    if (group.length > 0 && rows + file.rows > targetRows) {
      groups.push(group)
      group = []
      rows = 0
    }
    group.push(file)
    rows += file.rows
  }
  if (group.length > 0) groups.push(group)
  const merging = groups.filter((candidate) => candidate.length > 1)
  if (merging.length === 0) return null

  const added: DataFile[] = []
  for (const candidate of merging) {
    const merged: Row[] = []
    for (const file of candidate) merged.push(...(await table.reader.readRows(file.path, file.bytes)))
    added.push(await table.writeDataFile('data/', merged, 'compact'))
  }
  const removed = merging.flat().map((file) => file.path)
  const { storage, prefix, writerId } = table.internals

  let snapshot = base
  for (let attempt = 0; attempt < 20; attempt++) {
    const published = await table.log.publish(snapshot, { writer: writerId, operation: 'compact', dataChange: false, add: added, remove: removed })
    if (published) {
      table.adoptPublished(published)
      await table.refresh()
      return { removed, added: added.map((file) => file.path), version: published.version }
    }
    snapshot = await table.refresh()
    if (!removed.every((path) => snapshot.files.has(path))) break
  }
  for (const file of added) await storage.delete(prefix + file.path)
  return null
}
