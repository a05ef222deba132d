import type { Row } from '../schema/types.ts'
import type { Snapshot } from './commit.ts'
import type { Memtable } from './memtable.ts'

/**
 * What one read sees, captured in a single synchronous step so that a flush or write landing
 * mid-read cannot mix states: committed files, the memtable rows visible at that instant, and
 * the ids whose file rows those memtable entries replace or delete.
 */
export interface ReadView {
  snapshot: Snapshot
  /** Current versions of rows written since the last flush, in write order. */
  pending: Row[]
  /** Ids whose rows in `snapshot`'s files are superseded (updated or deleted). */
  shadowed: ReadonlySet<string>
}

/** Captures a ReadView from a snapshot and the memtables newest-last (frozen, then active). */
export function captureReadView(snapshot: Snapshot, memtables: readonly (Memtable | null)[]): ReadView {
  const live = memtables.filter((memtable): memtable is Memtable => memtable !== null && memtable.size > 0)
  if (live.length === 0) return { snapshot, pending: [], shadowed: new Set() }
  const shadowed = new Set<string>()
  const latest = new Map<string, Row | null>()
  for (const memtable of live) {
    for (const [id, entry] of memtable.entries) {
      // An entry of the newer memtable replaces the older one's for the same id.
      latest.delete(id)
      latest.set(id, entry.row)
      if (entry.before !== null) shadowed.add(id)
    }
  }
  const pending: Row[] = []
  for (const row of latest.values()) if (row !== null) pending.push(row)
  return { snapshot, pending, shadowed }
}
