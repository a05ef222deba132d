import type { CollectionSchema, Row } from './types.ts'

/**
 * A variant value held as its JSON text. Inside the engine (WAL records, memtable rows, rows
 * handed to the encoder) variants stay serialized: one string instead of an object graph is
 * what keeps ingest fast and the memtable small, and Parquet stores the same text. Readers get
 * parsed values back through `materializeRow`.
 */
export class VariantText {
  constructor(readonly text: string) {}

  /** WAL records are JSON; this marks the value so replay can restore it (see reviveVariant). */
  toJSON(): { $json: string } {
    return { $json: this.text }
  }

  parse(): unknown {
    return JSON.parse(this.text)
  }
}

/** Restores a VariantText from its WAL form (`{ $json }`); leaves anything else alone. */
export function reviveVariant(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && '$json' in value && typeof (value as { $json: unknown }).$json === 'string') {
    return new VariantText((value as { $json: string }).$json)
  }
  return value
}

const variantColumnsCache = new WeakMap<CollectionSchema, readonly { name: string; array: boolean }[]>()

/** The variant columns of a schema (computed once per schema). */
export function variantColumns(schema: CollectionSchema): readonly { name: string; array: boolean }[] {
  let columns = variantColumnsCache.get(schema)
  if (!columns) {
    columns = schema.columns.filter((column) => column.kind === 'variant').map((column) => ({ name: column.name, array: column.array }))
    variantColumnsCache.set(schema, columns)
  }
  return columns
}

function parseValue(value: unknown): unknown {
  return value instanceof VariantText ? value.parse() : value
}

/** A copy of a stored row with its variants parsed: the form every reader sees. */
export function materializeRow(schema: CollectionSchema, row: Row): Row {
  const copy: Row = { ...row }
  for (const { name, array } of variantColumns(schema)) {
    const value = copy[name]
    if (value === null || value === undefined) continue
    copy[name] = array && Array.isArray(value) ? value.map(parseValue) : parseValue(value)
  }
  return copy
}

/**
 * A stored row cut down to `columns`, its variants among them parsed: what a consumer that
 * reads only those columns needs, at the cost of those columns alone. Columns the row lacks are
 * left out.
 */
export function materializeColumns(schema: CollectionSchema, row: Row, columns: readonly string[], parsed?: Map<VariantText, unknown>): Row {
  const variants = variantColumns(schema)
  const parse = parsed === undefined ? parseValue : (value: unknown) => parseOnce(value, parsed)
  const copy: Row = {}
  for (const name of columns) {
    if (!Object.hasOwn(row, name)) continue
    const value = row[name]
    const variant = value === null || value === undefined ? undefined : variants.find((column) => column.name === name)
    copy[name] = variant === undefined ? value : variant.array && Array.isArray(value) ? value.map(parse) : parse(value)
  }
  return copy
}

/** parseValue, each text parsed once per `parsed` map: consumers of one write share what it holds. */
function parseOnce(value: unknown, parsed: Map<VariantText, unknown>): unknown {
  if (!(value instanceof VariantText)) return value
  if (parsed.has(value)) return parsed.get(value)
  const result = value.parse()
  parsed.set(value, result)
  return result
}

function serializeValue(value: unknown): unknown {
  return value === null || value instanceof VariantText ? value : new VariantText(JSON.stringify(value))
}

/** A copy of a row read from Parquet (variants parsed) in the engine's stored form. */
export function storedRow(schema: CollectionSchema, row: Row): Row {
  const copy: Row = { ...row }
  for (const { name, array } of variantColumns(schema)) {
    const value = copy[name]
    if (value === null || value === undefined) continue
    copy[name] = array && Array.isArray(value) ? value.map(serializeValue) : serializeValue(value)
  }
  return copy
}
