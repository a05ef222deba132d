import { ParqueDBError } from '../errors.ts'
import type { Field, ScalarKind } from './types.ts'

/** Type names a field string may use, and the kind each one means. */
const TYPE_NAMES: Readonly<Record<string, ScalarKind>> = {
  string: 'string',
  text: 'string',
  int: 'int',
  bigint: 'bigint',
  float: 'float',
  double: 'double',
  number: 'double',
  decimal: 'decimal',
  boolean: 'boolean',
  bool: 'boolean',
  timestamp: 'timestamp',
  date: 'date',
  variant: 'variant',
  json: 'variant',
}

/** Parquet's DECIMAL tops out at 38 digits (16-byte unscaled integers). */
export const MAX_DECIMAL_PRECISION = 38

const SCALAR = /^([a-z]+)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?\s*(\[\])?\s*([!?])?$/
const RELATION = /^(->|<-)\s*([A-Za-z_][\w-]*)(?:\.([A-Za-z_][\w-]*))?\s*(\[\])?\s*([!?])?$/

const EXAMPLES = `(expected e.g. 'string!', 'decimal(10,2)!', '-> Customer')`

/**
 * Builds the ParqueDBError('SCHEMA') every schema problem is reported with, so messages share
 * one shape: `collection "Order": field "total": ...`.
 */
export function schemaError(collection: string, field: string | undefined, problem: string): ParqueDBError {
  const where = field === undefined ? `collection "${collection}"` : `collection "${collection}": field "${field}"`
  return new ParqueDBError('SCHEMA', `${where}: ${problem}`, { collection, ...(field === undefined ? {} : { field }) })
}

/**
 * Parses one field string ('string!', 'decimal(10,2)?', 'variant[]', '-> Customer',
 * '<- OrderItem.order[]') into a frozen Field.
 *
 * @example
 * parseField('Order', 'total', 'decimal(10,2)!')
 * // { name: 'total', kind: 'decimal', required: true, array: false, precision: 10, scale: 2, source: 'decimal(10,2)!' }
 */
export function parseField(collection: string, name: string, source: unknown): Field {
  if (typeof source !== 'string') {
    throw schemaError(collection, name, `expected a field string like 'string!', got ${typeof source === 'object' ? JSON.stringify(source) ?? String(source) : String(source)}`)
  }
  const text = source.trim()
  const unknownType = () => schemaError(collection, name, `unknown type "${source}" ${EXAMPLES}`)

  const relation = RELATION.exec(text)
  if (relation) {
    const [, arrow, target = '', via, many, suffix] = relation
    if (arrow === '->') {
      // A forward relation stores the target's $id; there is nothing to point "via".
      if (via !== undefined) throw unknownType()
      return Object.freeze({ name, kind: 'relation', direction: 'forward', target, many: many !== undefined, required: suffix === '!', source })
    }
    if (suffix === '!') {
      throw schemaError(collection, name, `reverse relation "${source}" is computed from ${target} and cannot be required`)
    }
    return Object.freeze({
      name, kind: 'relation', direction: 'reverse', target, many: many !== undefined, required: false, source,
      ...(via === undefined ? {} : { via }),
    })
  }

  const scalar = SCALAR.exec(text)
  if (!scalar) throw unknownType()
  const [, typeName = '', precisionText, scaleText, array, suffix] = scalar
  const kind = TYPE_NAMES[typeName]
  if (kind === undefined) throw unknownType()
  const base = { name, kind, required: suffix === '!', array: array !== undefined, source }
  if (kind !== 'decimal') {
    if (precisionText !== undefined) throw unknownType()
    return Object.freeze(base)
  }
  if (precisionText === undefined) {
    throw schemaError(collection, name, `decimal needs a precision and scale in "${source}" (e.g. 'decimal(10,2)')`)
  }
  const precision = Number(precisionText)
  const scale = scaleText === undefined ? 0 : Number(scaleText)
  if (precision < 1 || precision > MAX_DECIMAL_PRECISION) {
    throw schemaError(collection, name, `decimal precision must be 1..${MAX_DECIMAL_PRECISION}, got ${precision} in "${source}"`)
  }
  if (scale > precision) {
    throw schemaError(collection, name, `decimal scale must not exceed its precision, got scale ${scale} > precision ${precision} in "${source}"`)
  }
  return Object.freeze({ ...base, precision, scale })
}
