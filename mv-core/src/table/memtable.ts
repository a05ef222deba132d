import type { Row } from '../schema/types.ts'

/**
 * A row's pending state since the last flush. `before` is the version visible in flushed files
 * (null for a row that is new since then); `row` is the current version (null once deleted).
 */
export interface PendingEntry {
  row: Row | null
  before: Row | null
}

/**
 * The acknowledged writes not yet in Parquet: one entry per `$id`, net of everything written
 * since the last flush. A table holds an active memtable and, while a flush runs, a frozen one.
 */
export class Memtable {
  readonly entries = new Map<string, PendingEntry>()
  /** Entries whose `before` shadows a row in flushed files (updates and deletes). */
  retractions = 0

  get size(): number {
    return this.entries.size
  }

  insert(row: Row): void {
    const id = row.$id as string
    const entry = this.entries.get(id)
    if (entry) entry.row = row // re-insert after a delete in this generation
    else this.entries.set(id, { row, before: null })
  }

  /** `before` is the version the writer saw; it only matters when this generation had none. */
  update(row: Row, before: Row): void {
    const id = row.$id as string
    const entry = this.entries.get(id)
    if (entry) entry.row = row
    else this.set(id, { row, before })
  }

  delete(before: Row): void {
    const id = before.$id as string
    const entry = this.entries.get(id)
    if (!entry) this.set(id, { row: null, before })
    else if (entry.before === null) this.entries.delete(id) // born and gone before any flush
    else entry.row = null
  }

  /** Takes in a newer memtable's entries, as if its writes had been applied here. */
  absorb(newer: Memtable): void {
    for (const [id, entry] of newer.entries) {
      const own = this.entries.get(id)
      if (!own) this.set(id, { row: entry.row, before: entry.before })
      else if (own.before === null && entry.row === null) this.entries.delete(id)
      else own.row = entry.row
    }
  }

  private set(id: string, entry: PendingEntry): void {
    this.entries.set(id, entry)
    if (entry.before !== null) this.retractions++
  }
}
