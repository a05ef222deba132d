/**
 * Scalar kinds a field string can name ('string!', 'decimal(10,2)?', 'variant[]', ...).
 *
 * JS forms (what validation returns and what reads give back):
 * - decimal: a `number` when precision <= 15 (every such value survives a double exactly: the
 *   number prints back as the same decimal), else a `string` with exactly `scale` fractional
 *   digits ('-12.3400000000'). Stored in Parquet as the unscaled integer, so both are exact.
 * - float: a number rounded to 32-bit (`Math.fround`) by validation, so reads give back the same.
 * - timestamp: Date; strings without a UTC offset are read as UTC.
 * - date: the UTC calendar day of a Date, or 'YYYY-MM-DD' as given.
 * - variant: plain JSON data (objects, arrays, strings, finite numbers, booleans, null).
 * - arrays: JS arrays of the element form; elements cannot be null except in 'variant[]'.
 */
export type ScalarKind =
  | 'string'
  | 'int' // 32-bit signed integer
  | 'bigint' // 64-bit signed integer, read back as bigint
  | 'float' // 32-bit float
  | 'double'
  | 'decimal' // exact: precision/scale are kept in Parquet's DECIMAL type
  | 'boolean'
  | 'timestamp' // instant, millisecond precision, UTC; read back as Date
  | 'date' // calendar day, read back as 'YYYY-MM-DD'
  | 'variant' // any JSON value

/** The JS form of a decimal value: see ScalarKind. */
export type DecimalValue = number | string

export interface ScalarField {
  readonly name: string
  readonly kind: ScalarKind
  /** '!' makes a field required; '?' and no suffix make it optional (null when absent). */
  readonly required: boolean
  /** 'string[]', 'variant[]': a list of the scalar kind. */
  readonly array: boolean
  readonly precision?: number
  readonly scale?: number
  /** The field string as written, for error messages ('decimal(10,2)!'). */
  readonly source: string
}

/**
 * '-> Customer' stores the target's $id; '<- OrderItem[]' (optionally '<- OrderItem.order[]') is
 * the reverse side, computed from the other collection and not stored.
 */
export interface RelationField {
  readonly name: string
  readonly kind: 'relation'
  readonly direction: 'forward' | 'reverse'
  readonly target: string
  readonly many: boolean
  /** Reverse relations: the forward field on `target` that points back ('order'), when named. */
  readonly via?: string
  readonly required: boolean
  readonly source: string
}

export type Field = ScalarField | RelationField

/** The columns every entity carries without declaring them. */
export const SYSTEM_FIELDS = ['$id', 'createdAt', 'updatedAt'] as const

/** A parsed collection definition: frozen, validated once. */
export interface CollectionSchema {
  readonly name: string
  /** '$type' when given, else the collection name. */
  readonly typeName: string
  /** Declared fields in declaration order (relations included). */
  readonly fields: readonly Field[]
  /** Stored columns in file order: '$id', 'createdAt', 'updatedAt', then declared stored fields. */
  readonly columns: readonly ScalarField[]
  /** Every field by name: the declared ones and the system fields ('$id', 'createdAt', 'updatedAt'). */
  readonly byName: ReadonlyMap<string, Field>
  /** Other '$'-directives of the definition kept verbatim ('$ingest', ...), for the layers above. */
  readonly directives: Readonly<Record<string, unknown>>
}

/** A row as the engine holds it: JS values in the forms listed on ScalarKind. */
export type Row = Record<string, unknown>

/** A stored entity: a row with its system fields. */
export interface Entity extends Row {
  $id: string
  createdAt: Date
  updatedAt: Date
}

/**
 * Per-column statistics, JSON-safe so they live in the table's log: numbers for int, float,
 * double, decimal and timestamp (epoch ms), strings for string/date/$id, booleans, and
 * decimal strings for bigint. min/max are absent when the column has no non-null value or
 * the kind has no order (variant, lists).
 *
 * min/max are bounds, not always values: strings are ordered by JS `<` (UTF-16 code units) and
 * cut to 64 code units (min is then a prefix, max is rounded up); decimals whose precision is
 * above 15 are widened by a few ulps after conversion to a double. For lists, nullCount counts
 * null lists, not null elements.
 */
export interface ColumnStats {
  min?: string | number | boolean
  max?: string | number | boolean
  nullCount: number
}

export type StatsByColumn = Readonly<Record<string, ColumnStats>>
