import type { FileMetaData, KeyValue } from 'hyparquet'
import type { CollectionSchema } from '../schema/types.ts'

/** The Parquet key-value metadata key holding the collection definition a file was written with. */
export const SCHEMA_METADATA_KEY = 'parquedb.schema'

/** What a file says about its collection: enough to call parseSchema(collection, definition). */
export interface SchemaMetadata {
  version: 1
  collection: string
  /** Field strings by name, plus '$type' when it differs from the collection name. */
  definition: Record<string, string>
}

/**
 * The key-value entry that makes a file self-describing: the collection name and its field strings.
 *
 * @example
 * schemaMetadataEntry(orderSchema)
 * // { key: 'parquedb.schema', value: '{"version":1,"collection":"Order","definition":{"total":"decimal(10,2)!"}}' }
 */
export function schemaMetadataEntry(schema: CollectionSchema): KeyValue {
  const definition: Record<string, string> = {}
  if (schema.typeName !== schema.name) definition.$type = schema.typeName
  for (const field of schema.fields) definition[field.name] = field.source
  const value: SchemaMetadata = { version: 1, collection: schema.name, definition }
  return { key: SCHEMA_METADATA_KEY, value: JSON.stringify(value) }
}

/**
 * The collection definition stored in a file's footer, or undefined when the file has none (or
 * one this version does not understand).
 *
 * @example
 * const stored = schemaMetadataOf(await readParquetMetadata(file))
 * if (stored) parseSchema(stored.collection, stored.definition)
 */
export function schemaMetadataOf(metadata: Pick<FileMetaData, 'key_value_metadata'>): SchemaMetadata | undefined {
  const entry = metadata.key_value_metadata?.find(kv => kv.key === SCHEMA_METADATA_KEY)
  if (entry?.value === undefined) return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(entry.value)
  } catch {
    return undefined
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined
  const { version, collection, definition } = parsed as Record<string, unknown>
  if (version !== 1 || typeof collection !== 'string' || typeof definition !== 'object' || definition === null) return undefined
  const fields: Record<string, string> = {}
  for (const [name, source] of Object.entries(definition)) {
    if (typeof source !== 'string') return undefined
    fields[name] = source
  }
  return { version: 1, collection, definition: fields }
}
