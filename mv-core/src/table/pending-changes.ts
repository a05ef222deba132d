import type { CollectionSchema, Row } from '../schema/types.ts'
import { materializeRow } from '../schema/variant-text.ts'
import type { Memtable } from './memtable.ts'

/** Inserts and before-images, as streaming consumers receive them. */
export interface PendingChange {
  inserts: Row[]
  deletes: Row[]
}

/** One memtable's changes relative to the state before it (readers' form: variants parsed). */
export function memtableChange(schema: CollectionSchema, memtable: Memtable): PendingChange {
  const inserts: Row[] = []
  const deletes: Row[] = []
  for (const entry of memtable.entries.values()) {
    if (entry.before) deletes.push(materializeRow(schema, entry.before))
    if (entry.row) inserts.push(materializeRow(schema, entry.row))
  }
  return { inserts, deletes }
}

/** The net change of consecutive memtables, oldest first: the first before-image, the last row. */
export function netChange(schema: CollectionSchema, memtables: readonly (Memtable | null)[]): PendingChange {
  const latest = new Map<string, { row: Row | null; before: Row | null }>()
  for (const memtable of memtables) {
    if (!memtable) continue
    for (const [id, entry] of memtable.entries) {
      const older = latest.get(id)
      latest.set(id, { row: entry.row, before: older ? older.before : entry.before })
    }
  }
  const change: PendingChange = { inserts: [], deletes: [] }
  for (const { row, before } of latest.values()) {
    if (before) change.deletes.push(materializeRow(schema, before))
    if (row) change.inserts.push(materializeRow(schema, row))
  }
  return change
}
