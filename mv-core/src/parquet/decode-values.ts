import type { DecodedArray, ParquetParsers, SchemaElement } from 'hyparquet'
import { dateFromDays } from '../schema/calendar.ts'
import { decimalFromUnscaled } from '../schema/decimal.ts'
import type { ScalarField } from '../schema/types.ts'
import { VariantText } from '../schema/variant-text.ts'

const textDecoder = new TextDecoder()

function floorDiv(value: bigint, divisor: bigint): number {
  const quotient = value / divisor
  return Number(value % divisor < 0n ? quotient - 1n : quotient)
}

/**
 * hyparquet parsers that leave shared-object creation to us. With dictionary encoding hyparquet
 * converts each dictionary entry once and hands the same object to every row using it, so a Date
 * or a parsed JSON object would be shared between rows — mutate one row and others change. We
 * get epoch-ms numbers and JSON text instead, and build one Date / object per row.
 */
export const READ_PARSERS: Partial<ParquetParsers> = {
  timestampFromMilliseconds: millis => Number(millis),
  timestampFromMicroseconds: micros => floorDiv(micros, 1000n),
  timestampFromNanoseconds: nanos => floorDiv(nanos, 1_000_000n),
  dateFromDays: days => dateFromDays(days),
  jsonFromBytes: bytes => (bytes === undefined ? undefined : textDecoder.decode(bytes)),
}

/** Big-endian two's complement (Parquet's FIXED_LEN_BYTE_ARRAY / BYTE_ARRAY decimal form). */
function unscaledFromBytes(bytes: Uint8Array): bigint {
  let value = 0n
  for (const byte of bytes) value = (value << 8n) | BigInt(byte)
  const first = bytes[0]
  if (first !== undefined && first & 0x80) value -= 1n << BigInt(bytes.length * 8)
  return value
}

type ElementDecoder = ((raw: unknown) => unknown) | undefined

/** One value as hyparquet returns it (with READ_PARSERS, decimals unannotated) → its engine form; undefined = already is. */
function elementDecoder(column: ScalarField, leaf: SchemaElement | undefined, variantText: boolean, millis: boolean): ElementDecoder {
  switch (column.kind) {
    case 'timestamp':
      if (millis) return raw => (raw instanceof Date ? raw.getTime() : Number(raw))
      return raw => new Date(raw instanceof Date ? raw.getTime() : Number(raw))
    case 'variant':
      if (variantText) return raw => new VariantText(typeof raw === 'string' ? raw : textDecoder.decode(raw as Uint8Array))
      return raw => JSON.parse(typeof raw === 'string' ? raw : textDecoder.decode(raw as Uint8Array)) as unknown
    case 'decimal': {
      const precision = column.precision ?? leaf?.precision ?? 38
      // The file's scale is what the unscaled integers mean.
      const scale = leaf?.scale ?? column.scale ?? 0
      return raw => {
        if (typeof raw === 'number' || typeof raw === 'bigint') return decimalFromUnscaled(raw, precision, scale)
        return decimalFromUnscaled(unscaledFromBytes(raw as Uint8Array), precision, scale)
      }
    }
    default:
      return undefined
  }
}

function isTypedArray(data: DecodedArray): boolean {
  return !Array.isArray(data)
}

/**
 * The converter from one decoded column chunk to the engine's JS forms (see ScalarKind): Dates,
 * exact decimals, parsed JSON, arrays for lists, null for nulls. Kinds hyparquet already returns
 * in engine form come back untouched — typed arrays included (Float64Array, Int32Array,
 * BigInt64Array for required numeric columns), so scans stay cheap.
 *
 * @example
 * const decode = columnValueDecoder(totalColumn, leafElementFromFooter)
 * decode(BigInt64Array.of(1250n)) // [12.5]
 */
export function columnValueDecoder(column: ScalarField, leaf: SchemaElement | undefined, variantText = false, millis = false): (data: DecodedArray) => ArrayLike<unknown> {
  const element = elementDecoder(column, leaf, variantText, millis)
  // READ_PARSERS already turn instants into epoch-ms numbers: keep the array unless a value is not one.
  if (millis && column.kind === 'timestamp' && !column.array) {
    return data => {
      const values = data as ArrayLike<unknown>
      for (let i = 0; i < values.length; i++) {
        const value = values[i]
        if (typeof value !== 'number' && value !== null) return Array.from(values, raw => (raw === null || raw === undefined ? null : (element as (raw: unknown) => unknown)(raw)))
      }
      return values
    }
  }
  if (column.array) {
    return data => {
      const out: unknown[] = new Array(data.length)
      for (let i = 0; i < data.length; i++) {
        const list: unknown = data[i]
        if (!Array.isArray(list)) {
          out[i] = null
          continue
        }
        const items: unknown[] = new Array(list.length)
        for (let j = 0; j < list.length; j++) {
          const raw: unknown = list[j]
          items[j] = raw === null || raw === undefined ? null : element === undefined ? raw : element(raw)
        }
        out[i] = items
      }
      return out
    }
  }
  if (element === undefined) {
    return data => {
      if (isTypedArray(data)) return data
      const values = data as unknown[]
      // Nulls may come back as undefined; copy only when one does.
      for (let i = 0; i < values.length; i++) {
        if (values[i] === undefined) return Array.from(values, v => (v === undefined ? null : v))
      }
      return values
    }
  }
  return data => {
    const out: unknown[] = new Array(data.length)
    for (let i = 0; i < data.length; i++) {
      const raw: unknown = data[i]
      out[i] = raw === null || raw === undefined ? null : element(raw)
    }
    return out
  }
}
