import type { Row } from '../schema/types.ts'
import type { DataFile, Snapshot } from './commit.ts'
import type { FileReader } from './file-reader.ts'

/** A row found in a snapshot's files: the file holding it and, when asked for, its stored form. */
export interface LocatedRow {
  readonly file: DataFile
  readonly row?: Row
}

/**
 * Finds the rows with these ids in a snapshot's files. Files whose `$id` bounds exclude every id
 * are skipped; the others are read in two passes: the `$id` column alone, then, when rows are
 * wanted, every column of just the row groups holding hits, variants left as text (the stored
 * form). Deleting 1% of a table at random thus decodes no JSON and builds no row object it
 * does not return.
 *
 * @example
 * const located = await locateRows(reader, snapshot, new Set(['01J…A', '01J…B']), { rows: true })
 * located.get('01J…A') // { file: { path: 'data/…parquet', … }, row: { $id: '01J…A', … } }
 */
export async function locateRows(reader: FileReader, snapshot: Snapshot, ids: ReadonlySet<string>, options: { rows: boolean }): Promise<Map<string, LocatedRow>> {
  const found = new Map<string, LocatedRow>()
  if (ids.size === 0) return found
  const sorted = [...ids].sort()
  for (const file of snapshot.files.values()) {
    if (!mayHoldAny(file, sorted)) continue
    // Row group index → positions (within the group) of the ids it holds.
    const hits = new Map<number, number[]>()
    for await (const batch of reader.readColumns(file.path, file.bytes, { columns: ['$id'] })) {
      const column = batch.columns.$id as ArrayLike<unknown>
      for (let index = 0; index < batch.rowCount; index++) {
        const id = column[index] as string
        if (!ids.has(id)) continue
        found.set(id, { file })
        const positions = hits.get(batch.rowGroup)
        if (positions === undefined) hits.set(batch.rowGroup, [index])
        else positions.push(index)
      }
    }
    if (!options.rows || hits.size === 0) continue
    for await (const batch of reader.readColumns(file.path, file.bytes, { rowGroups: new Set(hits.keys()), variantText: true })) {
      const columns = Object.entries(batch.columns)
      for (const index of hits.get(batch.rowGroup) ?? []) {
        const row: Row = {}
        for (const [name, values] of columns) row[name] = values[index]
        found.set(row.$id as string, { file, row })
      }
    }
  }
  return found
}

/** False when the file's `$id` bounds exclude every one of the sorted ids. */
function mayHoldAny(file: DataFile, sortedIds: readonly string[]): boolean {
  const stats = file.stats.$id
  if (!stats || typeof stats.min !== 'string' || typeof stats.max !== 'string') return true
  // First id >= min; the file may hold ids only if that one is <= max.
  let low = 0
  let high = sortedIds.length
  while (low < high) {
    const middle = (low + high) >> 1
    if ((sortedIds[middle] as string) < stats.min) low = middle + 1
    else high = middle
  }
  return low < sortedIds.length && (sortedIds[low] as string) <= stats.max
}
