import type { FileMetaData } from 'hyparquet'
import { readParquetColumns, readParquetMetadata, readParquetRows } from '../parquet/decode.ts'
import { storageAsyncBuffer } from '../parquet/async-buffer.ts'
import { decodedRowGroupCache } from '../parquet/decoded-row-groups.ts'
import type { CompiledFilter } from '../query/types.ts'
import type { CollectionSchema, Row } from '../schema/types.ts'
import type { StorageDriver } from '../storage/types.ts'

/** Footers of recently read files. Data files are immutable, so a cached footer never goes stale. */
const FOOTER_CACHE_SIZE = 512

export interface ReadFileOptions {
  columns?: readonly string[]
  filter?: CompiledFilter
  /** Variants as VariantText, parsed later only for the rows kept (see materializeRow). */
  variantText?: boolean
  /** Only these row groups (by index in the file). */
  rowGroups?: ReadonlySet<number>
  /** Timestamp columns to return as epoch milliseconds instead of Dates. */
  millis?: ReadonlySet<string>
}

/**
 * Reads a table's immutable Parquet files: plans first (footer, row groups kept by the filter's
 * statistics test, only the needed columns), then fetches just those byte ranges. With
 * `decodedValues`, row reads keep decoded row groups up to that many values (see
 * decodedRowGroupCache): for views, small and asked the same questions again and again.
 */
export function fileReader(storage: StorageDriver, prefix: string, schema: CollectionSchema, options: { decodedValues?: number } = {}) {
  const footers = new Map<string, FileMetaData>()
  const decoded = decodedRowGroupCache(options.decodedValues ?? 0)

  async function open(path: string, bytes: number) {
    const file = storageAsyncBuffer(storage, prefix + path, bytes)
    let metadata = footers.get(path)
    if (metadata) {
      footers.delete(path) // re-insert: the Map's order doubles as LRU order
    } else {
      metadata = await readParquetMetadata(file)
    }
    footers.set(path, metadata)
    if (footers.size > FOOTER_CACHE_SIZE) footers.delete(footers.keys().next().value as string)
    return { file, metadata }
  }

  function rowGroupFilter(filter: CompiledFilter | undefined) {
    return filter ? (stats: Parameters<CompiledFilter['mayMatch']>[0], rows: number) => filter.mayMatch(stats, rows) : undefined
  }

  return {
    async readRows(path: string, bytes: number, options: ReadFileOptions = {}): Promise<Row[]> {
      const { file, metadata } = await open(path, bytes)
      return readParquetRows(file, schema, {
        metadata,
        columns: options.columns ? [...options.columns] : undefined,
        rowGroupFilter: rowGroupFilter(options.filter),
        variantText: options.variantText,
        rowGroups: options.rowGroups,
        decoded: decoded.forFile(path),
      })
    },

    async *readColumns(path: string, bytes: number, options: ReadFileOptions = {}) {
      const { file, metadata } = await open(path, bytes)
      yield* readParquetColumns(file, schema, {
        metadata,
        columns: options.columns ? [...options.columns] : undefined,
        rowGroupFilter: rowGroupFilter(options.filter),
        variantText: options.variantText,
        rowGroups: options.rowGroups,
        millis: options.millis,
      })
    },

    forget(path: string): void {
      footers.delete(path)
      decoded.forget(path)
    },
  }
}

export type FileReader = ReturnType<typeof fileReader>
