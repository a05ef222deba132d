import type { ColumnBatch } from './decode.ts'

/** Decoded row groups of one file, by row group and read shape (columns, forms asked for). */
export interface DecodedRowGroups {
  get(group: number, shape: string): ColumnBatch | undefined
  set(group: number, shape: string, batch: ColumnBatch): void
}

/**
 * Keeps decoded row groups of a reader's files, least recently used out first, up to a number
 * of values in all: a dashboard asking a view the same question again reads no byte and decodes
 * nothing. Files are immutable, so a kept row group never goes stale; a removed file is
 * forgotten. Batches are handed out with fresh Dates and lists (a caller may change what it
 * got); the column arrays themselves are shared, so readers treat batches as read-only, as they do anyway.
 *
 * @example
 * const kept = decodedRowGroupCache(2_000_000)
 * await readParquetRows(file, schema, { metadata, decoded: kept.forFile('part-1.parquet') })
 */
export function decodedRowGroupCache(maxValues: number) {
  const entries = new Map<string, { batch: ColumnBatch; values: number }>()
  let held = 0

  const evict = () => {
    while (held > maxValues) {
      const oldest = entries.entries().next().value
      if (oldest === undefined) return
      entries.delete(oldest[0])
      held -= oldest[1].values
    }
  }

  return {
    forFile(path: string): DecodedRowGroups | undefined {
      if (maxValues <= 0) return undefined
      return {
        get(group, shape) {
          const key = `${path}#${group}#${shape}`
          const entry = entries.get(key)
          if (entry === undefined) return undefined
          entries.delete(key) // re-insert: the Map's order doubles as LRU order
          entries.set(key, entry)
          return withFreshDates(entry.batch)
        },
        set(group, shape, batch) {
          const values = batch.rowCount * Object.keys(batch.columns).length
          // One row group taking over a quarter of the room would push everything else out.
          if (values > maxValues / 4) return
          const key = `${path}#${group}#${shape}`
          const previous = entries.get(key)
          if (previous !== undefined) held -= previous.values
          entries.set(key, { batch, values })
          held += values
          evict()
        },
      }
    },
    forget(path: string): void {
      for (const [key, entry] of entries) {
        if (key.startsWith(`${path}#`)) {
          entries.delete(key)
          held -= entry.values
        }
      }
    },
  }
}

/** Dates and lists are objects a reader may change: each read gets its own. */
function withFreshDates(batch: ColumnBatch): ColumnBatch {
  let columns: ColumnBatch['columns'] | undefined
  for (const [name, values] of Object.entries(batch.columns)) {
    if (!Array.isArray(values) || !values.some((value) => value instanceof Date || Array.isArray(value))) continue
    columns ??= { ...batch.columns }
    columns[name] = values.map(fresh)
  }
  return columns === undefined ? batch : { ...batch, columns }
}

function fresh(value: unknown): unknown {
  if (value instanceof Date) return new Date(value.getTime())
  return Array.isArray(value) ? value.map(fresh) : value
}
