import { ParqueDBError } from '../errors.ts'
import type { CollectionSchema, Row } from '../schema/types.ts'
import { VariantText } from '../schema/variant-text.ts'

/**
 * Rows of one collection as a JSON document of columns: `{"n":2,"c":{"status":["a","b"],...}}`.
 * It is how inserts travel to the WAL and to the encode worker. Column arrays of primitives
 * serialize natively in one call each, and variant values, already JSON text, are spliced in as
 * they are instead of being escaped into strings: this is the cheapest faithful form of a batch.
 *
 * @example
 * const text = encodeColumnarJson(schema, rows)
 * decodeColumnarJson(schema, text) // rows again, variants as VariantText
 */
export function encodeColumnarJson(schema: CollectionSchema, rows: readonly Row[], options: ColumnarOptions = {}): string {
  const parts: string[] = []
  for (const column of schema.columns) {
    const { name } = column
    let json: string
    if (column.kind === 'variant' && options.variantsAsText) {
      json = JSON.stringify(rows.map((row) => variantTextOf(row[name], column.array)))
    } else if (column.kind === 'variant') {
      json = column.array
        ? `[${rows.map((row) => variantListJson(row[name])).join(',')}]`
        : `[${rows.map((row) => variantJson(row[name])).join(',')}]`
    } else if (column.kind === 'bigint') {
      json = JSON.stringify(rows.map((row) => bigintJson(row[name])))
    } else if (column.kind === 'timestamp') {
      // Epoch ms: numbers serialize and parse far faster than ISO strings.
      json = JSON.stringify(rows.map((row) => timestampJson(row[name])))
    } else {
      json = JSON.stringify(rows.map((row) => row[name] ?? null))
    }
    parts.push(`${JSON.stringify(name)}:${json}`)
  }
  return `{"n":${rows.length},${options.variantsAsText ? '"v":"text",' : ''}"c":{${parts.join(',')}}}`
}

export interface ColumnarOptions {
  /**
   * Variants as escaped JSON strings rather than spliced JSON: bigger and slower to write, but
   * the reader gets the text back without parsing and re-serializing every value (the encode
   * worker wants text).
   */
  variantsAsText?: boolean
}

function variantTextOf(value: unknown, array: boolean): unknown {
  if (value === null || value === undefined) return null
  if (array && Array.isArray(value)) return value.map((item) => variantTextOf(item, false))
  return value instanceof VariantText ? value.text : JSON.stringify(value)
}

function variantJson(value: unknown): string {
  if (value === null || value === undefined) return 'null'
  return value instanceof VariantText ? value.text : JSON.stringify(value)
}

function variantListJson(value: unknown): string {
  if (!Array.isArray(value)) return 'null'
  return `[${value.map(variantJson).join(',')}]`
}

function timestampJson(value: unknown): unknown {
  if (value instanceof Date) return value.getTime()
  if (Array.isArray(value)) return value.map((item) => (item instanceof Date ? item.getTime() : item))
  return value ?? null
}

function bigintJson(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString()
  if (Array.isArray(value)) return value.map((item) => (typeof item === 'bigint' ? item.toString() : item))
  return value ?? null
}

/** The columns of an encoded batch, with JSON types revived (Dates, bigint); variants parsed, or VariantText if sent as text. */
export function decodeColumns(schema: CollectionSchema, text: string): { rowCount: number; columns: Record<string, unknown[]> } {
  let document: { n: number; v?: 'text'; c: Record<string, unknown[]> }
  try {
    document = JSON.parse(text) as typeof document
  } catch (cause) {
    throw new ParqueDBError('CORRUPT', `collection "${schema.name}": unreadable columnar batch`, {}, { cause })
  }
  const { n: rowCount, c: columns } = document
  for (const column of schema.columns) {
    const values = columns[column.name]
    if (!Array.isArray(values) || values.length !== rowCount) {
      throw new ParqueDBError('CORRUPT', `collection "${schema.name}": columnar batch lacks column "${column.name}"`, { field: column.name })
    }
    if (column.kind === 'variant' && document.v === 'text') reviveEach(values, column.array, (value) => new VariantText(value as string))
    else if (column.kind === 'timestamp') reviveEach(values, column.array, (value) => (typeof value === 'number' || typeof value === 'string' ? new Date(value) : value))
    else if (column.kind === 'bigint') reviveEach(values, column.array, (value) => (typeof value === 'string' ? BigInt(value) : value))
  }
  return { rowCount, columns }
}

/** Rows in the engine's stored form: variants become VariantText again. */
export function decodeColumnarJson(schema: CollectionSchema, text: string): Row[] {
  const { rowCount, columns } = decodeColumns(schema, text)
  for (const column of schema.columns) {
    if (column.kind !== 'variant') continue
    reviveEach(columns[column.name] as unknown[], column.array, (value) => (value instanceof VariantText ? value : new VariantText(JSON.stringify(value))))
  }
  const rows: Row[] = new Array(rowCount)
  for (let i = 0; i < rowCount; i++) {
    const row: Row = {}
    for (const column of schema.columns) row[column.name] = (columns[column.name] as unknown[])[i]
    rows[i] = row
  }
  return rows
}

function reviveEach(values: unknown[], array: boolean, revive: (value: unknown) => unknown): void {
  for (let i = 0; i < values.length; i++) {
    const value = values[i]
    if (value === null) continue
    if (array && Array.isArray(value)) values[i] = value.map((item) => (item === null ? null : revive(item)))
    else values[i] = revive(value)
  }
}
