import { ParqueDBError } from '../errors.ts'
import type { CollectionSchema, Row } from '../schema/types.ts'
import { reviveVariant, variantColumns } from '../schema/variant-text.ts'
import { decodeColumnarJson, encodeColumnarJson } from './columnar-json.ts'

/**
 * One acknowledged write as the WAL stores it. Updates and deletes carry their before-images so
 * that replay rebuilds the memtable without reading any Parquet file.
 */
export type WalRecord =
  | { t: 'insert'; rows: Row[] }
  | { t: 'update'; rows: Row[]; before: Row[] }
  | { t: 'delete'; before: Row[] }
  /** A mixed batch (applyBatch): inserts, updates with their before-images, and deletes. */
  | { t: 'batch'; inserts: Row[]; updates: Row[]; before: Row[]; deletes: Row[] }

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/**
 * Encodes records as JSON. Dates serialize natively (ISO strings); bigint, which JSON cannot
 * hold, is written as a string; variants are already JSON text (VariantText); all three are
 * revived by the schema on replay.
 */
export function walRecordCodec(schema: CollectionSchema) {
  const timestampColumns = schema.columns.filter((column) => column.kind === 'timestamp' && !column.array).map((c) => c.name)
  const bigintColumns = schema.columns.filter((column) => column.kind === 'bigint').map((c) => c.name)
  const variants = variantColumns(schema)
  const replacer = bigintColumns.length
    ? (_key: string, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)
    : undefined

  function reviveRows(rows: Row[]): Row[] {
    for (const row of rows) {
      for (const name of timestampColumns) {
        const value = row[name]
        if (typeof value === 'string') row[name] = new Date(value)
      }
      for (const { name, array } of variants) {
        const value = row[name]
        row[name] = array && Array.isArray(value) ? value.map(reviveVariant) : reviveVariant(value)
      }
      for (const name of bigintColumns) {
        const value = row[name]
        if (typeof value === 'string') row[name] = BigInt(value)
        else if (Array.isArray(value)) row[name] = value.map((item) => (typeof item === 'string' ? BigInt(item) : item))
      }
    }
    return rows
  }

  return {
    encode(record: WalRecord): Uint8Array {
      // Inserts, the bulk of all writes, travel as columns ('I' + columnar JSON); the rarer
      // updates and deletes as a JSON record.
      if (record.t === 'insert') return encoder.encode(`I${encodeColumnarJson(schema, record.rows)}`)
      return encoder.encode(JSON.stringify(record, replacer))
    },
    decode(bytes: Uint8Array): WalRecord {
      const text = decoder.decode(bytes)
      if (text.startsWith('I')) return { t: 'insert', rows: decodeColumnarJson(schema, text.slice(1)) }
      let record: WalRecord
      try {
        record = JSON.parse(text) as WalRecord
      } catch (cause) {
        throw new ParqueDBError('CORRUPT', `collection "${schema.name}": unreadable write-ahead log record`, {}, { cause })
      }
      if (record.t === 'batch') {
        for (const rows of [record.inserts, record.updates, record.before, record.deletes]) reviveRows(rows)
        return record
      }
      if (record.t !== 'delete') reviveRows(record.rows)
      if (record.t !== 'insert') reviveRows(record.before)
      return record
    },
  }
}
