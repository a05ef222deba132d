import { parquetMetadataAsync, parquetRead, parquetSchema, type AsyncBuffer, type ColumnData, type Compressors, type DecodedArray, type FileMetaData, type SchemaElement, type SchemaTree } from 'hyparquet'
import type { DecodedRowGroups } from './decoded-row-groups.ts'
import { ParqueDBError } from '../errors.ts'
import type { CollectionSchema, ColumnStats, Row, ScalarField, StatsByColumn } from '../schema/types.ts'
import { statsFromFooter } from './column-stats.ts'
import { columnValueDecoder, READ_PARSERS } from './decode-values.ts'
import { prefetchRanges, type ByteRange } from './prefetch-ranges.ts'
import { readCompressors } from './read-compressors.ts'

export interface ReadParquetOptions {
  /** Projection: only these columns' chunks are fetched (default: every column of the schema). */
  columns?: readonly string[]
  /**
   * Called once per row group with its footer statistics in ColumnStats form (columns whose
   * footer says nothing usable — variant, lists — are absent; columns the file lacks are all
   * null) and its row count. Row groups it rejects are never fetched.
   */
  rowGroupFilter?: (stats: StatsByColumn, rowCount: number) => boolean
  /** Only these row groups (by index in the file), e.g. those a first read of one column found hits in. */
  rowGroups?: ReadonlySet<number>
  /** The file's footer from readParquetMetadata, to avoid reading it again. */
  metadata?: FileMetaData
  /**
   * Variants as VariantText (the engine's stored form) instead of parsed values: readers that
   * keep only some rows parse just those (see materializeRow).
   */
  variantText?: boolean
  /**
   * Decoded row groups kept between reads of this file (see decodedRowGroups): a hit fetches and
   * decodes nothing. Only reads whose values are not shared mutable objects use it.
   */
  decoded?: DecodedRowGroups
  /**
   * Timestamp columns to return as epoch milliseconds (numbers) instead of Dates: a Date per
   * value costs more than decoding it, and a consumer that only buckets or compares instants
   * does not need one.
   */
  millis?: ReadonlySet<string>
}

export interface ReadParquetMetadataOptions {
  /** Bytes read from the end of the file on the first try (default hyparquet's 512 KiB). */
  initialFetchSize?: number
}

/** One row group's worth of decoded columns. */
export interface ColumnBatch {
  /** Index of the row group in the file. */
  rowGroup: number
  /** Position of the batch's first row in the file. */
  rowStart: number
  rowCount: number
  /** Each requested column as `rowCount` values in engine form (typed arrays where hyparquet gives them). */
  columns: Record<string, ArrayLike<unknown>>
}

/** What the reader needs to know about a file, derived once per footer. */
interface FileLayout {
  /**
   * The footer with DECIMAL annotations removed, handed to hyparquet so it returns unscaled
   * integers: its own conversion multiplies by 10^-scale in floating point, which is not exact.
   */
  raw: FileMetaData
  /** Top-level column name → its leaf schema element (the element of a list). */
  leaves: Map<string, SchemaElement>
}

const layouts = new WeakMap<FileMetaData, FileLayout>()

function leafOf(node: SchemaTree): SchemaElement {
  let current = node
  while (current.children[0] !== undefined) current = current.children[0]
  return current.element
}

function layoutOf(metadata: FileMetaData): FileLayout {
  const cached = layouts.get(metadata)
  if (cached) return cached
  const leaves = new Map<string, SchemaElement>()
  for (const child of parquetSchema(metadata).children) leaves.set(child.element.name, leafOf(child))
  const schema = metadata.schema.map(element => {
    if (element.converted_type !== 'DECIMAL' && element.logical_type?.type !== 'DECIMAL') return element
    const { converted_type: _converted, logical_type: _logical, ...rest } = element
    return rest
  })
  const layout = { raw: { ...metadata, schema }, leaves }
  layouts.set(metadata, layout)
  return layout
}

function corrupt(error: unknown, what: string): unknown {
  if (ParqueDBError.isInstance(error)) return error
  const reason = error instanceof Error ? error.message : String(error)
  return new ParqueDBError('CORRUPT', `${what}: ${reason}`, {}, { cause: error })
}

/**
 * Reads and parses a Parquet footer. Pass the result as `metadata` to the read functions so the
 * footer is fetched once.
 *
 * @example
 * const metadata = await readParquetMetadata(file)
 * Number(metadata.num_rows) // rows in the file
 */
export async function readParquetMetadata(file: AsyncBuffer, options: ReadParquetMetadataOptions = {}): Promise<FileMetaData> {
  try {
    return await parquetMetadataAsync(file, {
      parsers: READ_PARSERS,
      geoparquet: false,
      ...(options.initialFetchSize === undefined ? {} : { initialFetchSize: options.initialFetchSize }),
    })
  } catch (error) {
    throw corrupt(error, 'cannot read Parquet footer')
  }
}

function resolveColumns(schema: CollectionSchema, names: readonly string[] | undefined): ScalarField[] {
  if (names === undefined) return [...schema.columns]
  const byName = new Map(schema.columns.map(c => [c.name, c]))
  return names.map(name => {
    const column = byName.get(name)
    if (column === undefined) {
      const field = schema.byName.get(name)
      const why = field?.kind === 'relation' ? 'is a reverse relation and is not stored' : 'is not a column of the collection'
      throw new ParqueDBError('BAD_FILTER', `collection "${schema.name}": column "${name}" ${why}`, { collection: schema.name, column: name })
    }
    return column
  })
}

/** The footer stats of one row group in ColumnStats form, for rowGroupFilter. */
function rowGroupStats(schema: CollectionSchema, metadata: FileMetaData, group: number, layout: FileLayout): StatsByColumn {
  const rowGroup = metadata.row_groups[group]
  const stats: Record<string, ColumnStats> = {}
  if (rowGroup === undefined) return stats
  const chunks = new Map(rowGroup.columns.map(chunk => [chunk.meta_data?.path_in_schema[0], chunk.meta_data]))
  for (const column of schema.columns) {
    if (!layout.leaves.has(column.name)) {
      // An older file without this column: every row reads as null.
      stats[column.name] = { nullCount: Number(rowGroup.num_rows) }
      continue
    }
    const chunkStats = statsFromFooter(column, chunks.get(column.name)?.statistics)
    if (chunkStats !== undefined) stats[column.name] = chunkStats
  }
  return stats
}

/** Concatenates a column's chunks (one per page run) into one array; typed arrays stay typed. */
function joinChunks(chunks: ColumnData[], rowStart: number, rowCount: number): DecodedArray {
  chunks.sort((a, b) => a.rowStart - b.rowStart)
  const only = chunks[0]
  if (chunks.length === 1 && only !== undefined && only.rowStart === rowStart && only.columnData.length === rowCount) return only.columnData
  const first = only?.columnData
  const typed = first !== undefined && !Array.isArray(first) && chunks.every(c => c.columnData.constructor === first.constructor)
    ? first.constructor as new (length: number) => DecodedArray
    : undefined
  const out: { [index: number]: unknown, length: number } = typed ? new typed(rowCount) : new Array<unknown>(rowCount).fill(null)
  for (const chunk of chunks) {
    const from = Math.max(chunk.rowStart, rowStart)
    const to = Math.min(chunk.rowEnd, rowStart + rowCount)
    for (let row = from; row < to; row++) out[row - rowStart] = chunk.columnData[row - chunk.rowStart]
  }
  return out as DecodedArray
}

async function readRowGroup(
  file: AsyncBuffer,
  metadata: FileMetaData,
  layout: FileLayout,
  group: number,
  rowStart: number,
  columns: readonly ScalarField[],
  compressors: Compressors | undefined,
  variantText: boolean,
  millis: ReadonlySet<string> | undefined,
): Promise<ColumnBatch> {
  const rowGroup = metadata.row_groups[group]
  const rowCount = Number(rowGroup?.num_rows ?? 0)
  const present = columns.filter(c => layout.leaves.has(c.name)).map(c => c.name)
  const wanted = new Set(present)
  const ranges: ByteRange[] = []
  for (const chunk of rowGroup?.columns ?? []) {
    const meta = chunk.meta_data
    if (meta === undefined || !wanted.has(meta.path_in_schema[0] ?? '')) continue
    // Same chunk extent hyparquet reads: from the dictionary page when there is one.
    const start = Number(meta.dictionary_page_offset || meta.data_page_offset)
    ranges.push({ start, end: start + Number(meta.total_compressed_size) })
  }

  const chunksByColumn = new Map<string, ColumnData[]>(present.map(name => [name, []]))
  if (present.length > 0) {
    const served = await prefetchRanges(file, ranges)
    try {
      await parquetRead({
        file: served,
        metadata: layout.raw,
        columns: present,
        rowStart,
        rowEnd: rowStart + rowCount,
        parsers: READ_PARSERS,
        ...(compressors === undefined ? {} : { compressors }),
        onChunk: chunk => chunksByColumn.get(chunk.columnName)?.push(chunk),
      })
    } catch (error) {
      throw corrupt(error, `cannot decode row group ${group}`)
    }
  }

  const out: Record<string, ArrayLike<unknown>> = {}
  for (const column of columns) {
    const chunks = chunksByColumn.get(column.name)
    if (chunks === undefined) {
      out[column.name] = new Array<null>(rowCount).fill(null)
      continue
    }
    const data = joinChunks(chunks, rowStart, rowCount)
    try {
      out[column.name] = columnValueDecoder(column, layout.leaves.get(column.name), variantText, millis?.has(column.name) === true)(data)
    } catch (error) {
      throw corrupt(error, `cannot decode column "${column.name}" of row group ${group}`)
    }
  }
  return { rowGroup: group, rowStart, rowCount, columns: out }
}

/**
 * Decodes a file column-wise, one batch per row group, without building row objects — the scan
 * path. Only the projected columns' chunks of the row groups `rowGroupFilter` keeps are fetched
 * (exactly those byte ranges, one request per run of adjacent chunks); the next row group is
 * fetched while the caller works on the current one. Schema columns the file lacks (it predates
 * them) come back as nulls.
 *
 * @example
 * const metadata = await readParquetMetadata(file)
 * for await (const batch of readParquetColumns(file, schema, {
 *   metadata,
 *   columns: ['createdAt', 'latencyMs'],
 *   rowGroupFilter: stats => (stats.latencyMs?.max ?? Infinity) >= 500,
 * })) {
 *   const latency = batch.columns.latencyMs // Float64Array or (number | null)[]
 * }
 */
export async function* readParquetColumns(file: AsyncBuffer, schema: CollectionSchema, options: ReadParquetOptions = {}): AsyncGenerator<ColumnBatch, void, undefined> {
  const columns = resolveColumns(schema, options.columns)
  const metadata = options.metadata ?? await readParquetMetadata(file)
  const layout = layoutOf(metadata)
  const selected: { group: number, rowStart: number }[] = []
  let rowStart = 0
  for (let group = 0; group < metadata.row_groups.length; group++) {
    const rowCount = Number(metadata.row_groups[group]?.num_rows ?? 0)
    if (options.rowGroups !== undefined && !options.rowGroups.has(group)) {
      rowStart += rowCount
      continue
    }
    if (rowCount > 0 && (options.rowGroupFilter === undefined || options.rowGroupFilter(rowGroupStats(schema, metadata, group, layout), rowCount))) {
      selected.push({ group, rowStart })
    }
    rowStart += rowCount
  }
  if (selected.length === 0) return
  const compressors = await readCompressors()
  // Parsed variants are objects a caller may change: those reads are never cached.
  const decoded = options.variantText === true || !columns.some((column) => column.kind === 'variant') ? options.decoded : undefined
  const shape = `${columns.map((column) => column.name).join(',')}|${options.variantText === true}|${[...(options.millis ?? [])].join(',')}`
  const start = (index: number): Promise<ColumnBatch> | undefined => {
    const next = selected[index]
    if (next === undefined) return undefined
    const kept = decoded?.get(next.group, shape)
    if (kept !== undefined) return Promise.resolve(kept)
    const promise = readRowGroup(file, metadata, layout, next.group, next.rowStart, columns, compressors, options.variantText === true, options.millis)
    if (decoded !== undefined) void promise.then((batch) => decoded.set(next.group, shape, batch), () => undefined)
    // If the caller stops early, this read-ahead is never awaited: keep its failure quiet.
    promise.catch(() => {})
    return promise
  }
  let pending = start(0)
  for (let index = 0; pending !== undefined; index++) {
    const current = pending
    pending = start(index + 1)
    yield await current
  }
}

/**
 * Decodes a file into row objects (keys in column order), with the same projection and row-group
 * pruning as readParquetColumns.
 *
 * @example
 * const rows = await readParquetRows(file, orderSchema, { columns: ['$id', 'total'] })
 * rows[0] // { $id: 'o1', total: 12345678.99 }
 */
export async function readParquetRows(file: AsyncBuffer, schema: CollectionSchema, options: ReadParquetOptions = {}): Promise<Row[]> {
  const rows: Row[] = []
  for await (const batch of readParquetColumns(file, schema, options)) {
    const entries = Object.entries(batch.columns)
    for (let i = 0; i < batch.rowCount; i++) {
      const row: Row = {}
      for (const [name, values] of entries) row[name] = values[i]
      rows.push(row)
    }
  }
  return rows
}
