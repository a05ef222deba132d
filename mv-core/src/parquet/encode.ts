import { parquetWriteBuffer, type ColumnSource } from 'hyparquet-writer'
import { ParqueDBError } from '../errors.ts'
import { daysFromDate } from '../schema/calendar.ts'
import { parseDecimal } from '../schema/decimal.ts'
import { describeValue } from '../schema/describe-value.ts'
import { kindLabel } from '../schema/value-normalizer.ts'
import type { CollectionSchema, ColumnStats, Row, ScalarField, StatsByColumn } from '../schema/types.ts'
import { VariantText } from '../schema/variant-text.ts'
import { StatsAccumulator } from './column-stats.ts'
import { parquetSchemaElements } from './parquet-schema.ts'
import { schemaMetadataEntry } from './schema-metadata.ts'

export interface EncodeOptions {
  /** Rows per row group (default 65,536): the unit rowGroupFilter can skip. */
  rowGroupSize?: number
  /** Target uncompressed page size in bytes (default 1 MiB). */
  pageSize?: number
}

export interface EncodedParquet {
  bytes: Uint8Array
  rowCount: number
  /** Whole-file stats per column, for the table's log (see ColumnStats). */
  stats: StatsByColumn
}

/** Rows given column by column: `column(name)[i]` is row i's value. */
export interface ColumnarRows {
  rowCount: number
  column(name: string): ArrayLike<unknown>
}

export const DEFAULT_ROW_GROUP_SIZE = 65_536
/** UTF-8 bytes kept of string min/max in the footer (hyparquet-writer's default is 16). */
const FOOTER_STAT_BYTES = 64
const DATE_TEXT = /^\d{4}-\d{2}-\d{2}$/

/** Thrown by a physical converter; carries what to say about the value. */
class Unencodable {
  constructor(readonly value: unknown) {}
}

type Physical = string | number | bigint | boolean

/**
 * The value hyparquet-writer gets for one (element) value: unscaled bigint for decimals, epoch-ms
 * bigint for timestamps, days for dates, the value itself otherwise (variants included: the
 * stats accumulator ignores them). Throws Unencodable for a value of the wrong type.
 */
function physicalConverter(column: ScalarField): (value: unknown) => Physical {
  switch (column.kind) {
    case 'string':
      return value => {
        if (typeof value !== 'string') throw new Unencodable(value)
        return value
      }
    case 'int':
      return value => {
        if (typeof value !== 'number' || (value | 0) !== value) throw new Unencodable(value)
        return value
      }
    case 'bigint':
      return value => {
        if (typeof value === 'bigint') return value
        if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value)
        throw new Unencodable(value)
      }
    case 'float':
    case 'double':
      return value => {
        if (typeof value !== 'number' || !Number.isFinite(value)) throw new Unencodable(value)
        return value
      }
    case 'boolean':
      return value => {
        if (typeof value !== 'boolean') throw new Unencodable(value)
        return value
      }
    case 'decimal': {
      const precision = column.precision ?? 38
      const scale = column.scale ?? 0
      return value => {
        const unscaled = parseDecimal(value, precision, scale)
        if (typeof unscaled === 'string') throw new Unencodable(value)
        return unscaled
      }
    }
    case 'timestamp':
      return value => {
        const ms = value instanceof Date ? value.getTime() : NaN
        if (Number.isNaN(ms)) throw new Unencodable(value)
        return BigInt(ms)
      }
    case 'date':
      return value => {
        if (typeof value !== 'string' || !DATE_TEXT.test(value)) throw new Unencodable(value)
        return daysFromDate(value)
      }
    case 'variant':
      // JSON text. The engine hands most variants over already serialized
      // (VariantText); rows read back from Parquet (rewrites, compaction) carry parsed values.
      return value => (value instanceof VariantText ? value.text : JSON.stringify(value)) as Physical
  }
}

/** Per-column writer options beyond the schema element. */
function columnOptions(column: ScalarField): Partial<ColumnSource> {
  // Footer bounds of a JSON column would be whole documents (the writer never truncates them).
  if (column.kind === 'variant') return { statistics: false }
  // Timestamps are near-sorted in an event store: deltas shrink them ~100x at no extra cost.
  if (column.kind === 'timestamp' && !column.array) return { encoding: 'DELTA_BINARY_PACKED' }
  return {}
}

/**
 * Encodes normalized rows (validateRows output with system fields filled: every column present,
 * null for missing) as one Parquet file: explicit types per kind (see parquet-schema.ts), SNAPPY,
 * REQUIRED/OPTIONAL from the schema, footer statistics (not for variant columns, whose bounds
 * would be whole JSON documents), DELTA_BINARY_PACKED timestamps, and the collection definition
 * under 'parquedb.schema'.
 * Whole-file column stats for the log are computed in the same pass.
 *
 * @example
 * const { bytes, rowCount, stats } = encodeParquet(orderSchema, rows, { rowGroupSize: 10_000 })
 * await driver.put(`orders/data/${id}.parquet`, bytes, { ifNoneMatch: '*' })
 */
export function encodeParquet(schema: CollectionSchema, rows: readonly Row[], options: EncodeOptions = {}): EncodedParquet {
  return encodeParquetColumns(schema, { rowCount: rows.length, column: (name) => rows.map((row) => row[name]) }, options)
}

/** encodeParquet for rows already split into columns (what the encode worker receives). */
export function encodeParquetColumns(schema: CollectionSchema, rows: ColumnarRows, options: EncodeOptions = {}): EncodedParquet {
  const rowGroupSize = options.rowGroupSize ?? DEFAULT_ROW_GROUP_SIZE
  if (!Number.isSafeInteger(rowGroupSize) || rowGroupSize < 1) {
    throw new ParqueDBError('VALIDATION', `collection "${schema.name}": rowGroupSize must be a positive integer, got ${rowGroupSize}`, { collection: schema.name })
  }
  const rowCount = rows.rowCount
  const columnData: ColumnSource[] = []
  const stats: Record<string, ColumnStats> = {}

  for (const column of schema.columns) {
    const { name } = column
    const convert = physicalConverter(column)
    const acc = new StatsAccumulator(column)
    const data: unknown[] = new Array(rowCount)
    const values = rows.column(name)
    let i = 0
    try {
      for (; i < rowCount; i++) {
        const value = values[i]
        if (value === null || value === undefined) {
          if (column.required) throw new Unencodable(value)
          acc.addNull()
          data[i] = null
        } else if (column.array) {
          if (!Array.isArray(value)) throw new Unencodable(value)
          const list: unknown[] = new Array(value.length)
          for (let j = 0; j < value.length; j++) {
            const item: unknown = value[j]
            if (item !== null && item !== undefined) list[j] = convert(item)
            else if (column.kind === 'variant') list[j] = null
            else throw new Unencodable(value)
          }
          data[i] = list
        } else {
          const physical = convert(value)
          acc.add(physical)
          data[i] = physical
        }
      }
    } catch (error) {
      if (!(error instanceof Unencodable)) throw error
      const expected = `${kindLabel(column)}${column.array ? '[]' : ''}${column.required ? ' (required)' : ''}`
      const got = describeValue(error.value)
      throw new ParqueDBError('VALIDATION', `collection "${schema.name}": row ${i}: field "${name}": cannot encode ${got} as ${expected} (validate rows before encoding)`, {
        collection: schema.name, row: i, field: name, expected, got,
      })
    }
    stats[name] = acc.result()
    columnData.push({ name, data, ...columnOptions(column) })
  }

  let buffer: ArrayBuffer
  try {
    buffer = parquetWriteBuffer({
      columnData,
      schema: parquetSchemaElements(schema.columns),
      codec: 'SNAPPY',
      statistics: true,
      statisticsTruncateLength: FOOTER_STAT_BYTES,
      rowGroupSize,
      ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
      kvMetadata: [schemaMetadataEntry(schema)],
      createdBy: 'parquedb',
    })
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new ParqueDBError('VALIDATION', `collection "${schema.name}": cannot encode rows as Parquet: ${reason}`, { collection: schema.name }, { cause: error })
  }
  return { bytes: new Uint8Array(buffer), rowCount, stats: Object.freeze(stats) }
}
