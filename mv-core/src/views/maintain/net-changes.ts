import type { Row } from '../../schema/types.ts'
import { encodeKey } from '../pipeline/encode-key.ts'
import type { SourceChange } from './types.ts'

/**
 * A batch of weighted rows with every row that was both inserted and deleted taken out, as a
 * multiset (a row inserted twice and deleted once stays inserted once). Rows are compared by
 * content, through their canonical text (encodeKey: Dates by instant, object keys in any order),
 * so an insert followed by a delete within the batch, an update that changes nothing and the
 * middle image of two updates all vanish. Order is kept otherwise. Net the rows a view derives
 * rather than source images when related entities may differ between the two sides.
 *
 * @example
 * netChanges({ inserts: [v1, v2], deletes: [v0, v1] }) // { inserts: [v2], deletes: [v0] }
 */
export function netChanges(change: SourceChange): SourceChange {
  // Nothing can cancel when one side is empty (the common case: inserts only).
  if (change.inserts.length === 0 || change.deletes.length === 0) return change
  const weights = new Map<string, number>()
  const keyOf = (row: Row) => encodeKey([row])
  for (const row of change.inserts) {
    const key = keyOf(row)
    weights.set(key, (weights.get(key) ?? 0) + 1)
  }
  for (const row of change.deletes) {
    const key = keyOf(row)
    weights.set(key, (weights.get(key) ?? 0) - 1)
  }
  const inserts: Row[] = []
  const deletes: Row[] = []
  // Hand out what is left of each image to its first occurrences.
  const left = new Map(weights)
  for (const row of change.inserts) {
    const key = keyOf(row)
    const weight = left.get(key) ?? 0
    if (weight > 0) {
      inserts.push(row)
      left.set(key, weight - 1)
    }
  }
  for (const row of change.deletes) {
    const key = keyOf(row)
    const weight = left.get(key) ?? 0
    if (weight < 0) {
      deletes.push(row)
      left.set(key, weight + 1)
    }
  }
  return { inserts, deletes }
}
