import type { SchemaElement } from 'hyparquet'
import type { ScalarField } from '../schema/types.ts'

/**
 * Bytes of a FIXED_LEN_BYTE_ARRAY that hold every unscaled decimal of `precision` digits as a
 * signed two's-complement integer (16 for precision 38).
 */
export function decimalByteLength(precision: number): number {
  const largest = 10n ** BigInt(precision) - 1n
  let bytes = 1
  while (largest >= 1n << BigInt(bytes * 8 - 1)) bytes++
  return bytes
}

/** The leaf element storing one value of a column's kind (both converted and logical types, for older readers). */
export function leafElement(column: ScalarField, name: string, repetition: 'REQUIRED' | 'OPTIONAL'): SchemaElement {
  const base = { name, repetition_type: repetition } as const
  switch (column.kind) {
    case 'string':
      return { ...base, type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' } }
    case 'int':
      return { ...base, type: 'INT32' }
    case 'bigint':
      return { ...base, type: 'INT64' }
    case 'float':
      return { ...base, type: 'FLOAT' }
    case 'double':
      return { ...base, type: 'DOUBLE' }
    case 'boolean':
      return { ...base, type: 'BOOLEAN' }
    case 'decimal': {
      const precision = column.precision ?? 38
      const scale = column.scale ?? 0
      const decimal = { converted_type: 'DECIMAL', precision, scale, logical_type: { type: 'DECIMAL', precision, scale } } as const
      // The smallest physical type the Parquet spec allows for the precision.
      if (precision <= 9) return { ...base, ...decimal, type: 'INT32' }
      if (precision <= 18) return { ...base, ...decimal, type: 'INT64' }
      return { ...base, ...decimal, type: 'FIXED_LEN_BYTE_ARRAY', type_length: decimalByteLength(precision) }
    }
    case 'timestamp':
      // isAdjustedToUTC: an instant, which DuckDB reads as TIMESTAMP WITH TIME ZONE.
      return { ...base, type: 'INT64', converted_type: 'TIMESTAMP_MILLIS', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' } }
    case 'date':
      return { ...base, type: 'INT32', converted_type: 'DATE', logical_type: { type: 'DATE' } }
    case 'variant':
      // Logical type JSON over UTF-8 text: with the JSON converted type the writer would
      // serialize the values again, and the encoder hands it finished JSON text (see encode.ts).
      return { ...base, type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'JSON' } }
  }
}

/**
 * The Parquet schema elements of one column: a single leaf, or for arrays the standard
 * three-level LIST (`name` LIST > repeated `list` > `element`). List elements are REQUIRED except
 * in variant lists, where a JSON null element is stored as a Parquet null.
 *
 * @example
 * columnElements({ name: 'tags', kind: 'string', array: true, required: false, source: 'string[]' })
 * // [{ name: 'tags', repetition_type: 'OPTIONAL', converted_type: 'LIST', ... }, { name: 'list', ... }, { name: 'element', ... }]
 */
export function columnElements(column: ScalarField): SchemaElement[] {
  const repetition = column.required ? 'REQUIRED' : 'OPTIONAL'
  if (!column.array) return [leafElement(column, column.name, repetition)]
  return [
    { name: column.name, repetition_type: repetition, converted_type: 'LIST', logical_type: { type: 'LIST' }, num_children: 1 },
    { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
    leafElement(column, 'element', column.kind === 'variant' ? 'OPTIONAL' : 'REQUIRED'),
  ]
}

/** The whole file schema for a collection's columns, root first. */
export function parquetSchemaElements(columns: readonly ScalarField[]): SchemaElement[] {
  return [{ name: 'root', num_children: columns.length }, ...columns.flatMap(columnElements)]
}
