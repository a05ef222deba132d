import { ParqueDBError, type CollectionAccess } from 'parquedb'

export interface WriteOutcome {
  readonly written: number
  /** Indexes (in the rows given) of the rows the schema refused, with why. */
  readonly refused: readonly { readonly index: number; readonly message: string }[]
}

/**
 * Writes rows in one batch; when the schema refuses one (a VALIDATION error names its row), that
 * row is set aside and the rest are written, so one odd span from a sender does not cost the
 * whole batch. Any other error is thrown.
 *
 * @example
 * const { written, refused } = await writeRows(db.collection('Spans'), rows)
 */
export async function writeRows(collection: Pick<CollectionAccess, 'bulkCreate'>, rows: readonly Record<string, unknown>[]): Promise<WriteOutcome> {
  let pending = rows.map((row, index) => ({ row, index }))
  const refused: { index: number; message: string }[] = []
  while (pending.length > 0) {
    try {
      await collection.bulkCreate(pending.map((entry) => entry.row))
      break
    } catch (error) {
      const at = ParqueDBError.isInstance(error, 'VALIDATION') ? error.details.row : undefined
      const entry = typeof at === 'number' ? pending[at] : undefined
      if (entry === undefined) throw error
      refused.push({ index: entry.index, message: (error as Error).message })
      pending = pending.filter((other) => other !== entry)
    }
  }
  return { written: pending.length, refused }
}
