import { parseField, schemaError } from './parse-field.ts'
import type { CollectionSchema, Field, ScalarField } from './types.ts'

/** The system columns every collection stores first, in this order. */
const SYSTEM_COLUMNS: readonly ScalarField[] = [
  Object.freeze({ name: '$id', kind: 'string', required: true, array: false, source: 'string!' }),
  Object.freeze({ name: 'createdAt', kind: 'timestamp', required: true, array: false, source: 'timestamp!' }),
  Object.freeze({ name: 'updatedAt', kind: 'timestamp', required: true, array: false, source: 'timestamp!' }),
]

/** What a definition may say about a system field: it can repeat the type, never change it. */
const SYSTEM_REDECLARATIONS: ReadonlyMap<string, readonly string[]> = new Map([
  ['$id', ['string', 'string!']],
  ['createdAt', ['timestamp', 'timestamp!']],
  ['updatedAt', ['timestamp', 'timestamp!']],
])

/** A Map that refuses writes once built, so a frozen schema stays frozen. */
class FrozenMap<K, V> extends Map<K, V> {
  #sealed = false
  constructor(entries: Iterable<readonly [K, V]>) {
    // Map's constructor would call the overridden set before #sealed exists.
    super()
    for (const [key, value] of entries) super.set(key, value)
    this.#sealed = true
  }
  override set(key: K, value: V): this {
    if (this.#sealed) throw new TypeError('a collection schema is read-only')
    return super.set(key, value)
  }
  override delete(): boolean {
    throw new TypeError('a collection schema is read-only')
  }
  override clear(): void {
    throw new TypeError('a collection schema is read-only')
  }
}

/**
 * Parses a collection definition — field strings plus '$'-directives — into a frozen schema.
 * Keys starting with '$' are never fields: '$type' names the entity type, '$id' may only repeat
 * 'string', and the others ('$ingest', ...) are kept verbatim in `directives`.
 *
 * @example
 * const order = parseSchema('Order', {
 *   $type: 'Order',
 *   customer: '-> Customer!',
 *   total: 'decimal(10,2)!',
 *   items: '<- OrderItem.order[]',
 *   note: 'string?',
 * })
 * order.columns.map(c => c.name) // ['$id', 'createdAt', 'updatedAt', 'customer', 'total', 'note']
 */
export function parseSchema(collectionName: string, definition: unknown): CollectionSchema {
  if (typeof collectionName !== 'string' || collectionName.trim() === '') {
    throw schemaError(String(collectionName), undefined, 'collection name must be a non-empty string')
  }
  if (typeof definition !== 'object' || definition === null || Array.isArray(definition)) {
    const got = Array.isArray(definition) ? 'an array' : definition === null ? 'null' : typeof definition
    throw schemaError(collectionName, undefined, `definition must be an object of field strings, got ${got}`)
  }

  let typeName = collectionName
  const directives: Record<string, unknown> = {}
  const fields: Field[] = []
  for (const [key, value] of Object.entries(definition)) {
    const redeclarable = SYSTEM_REDECLARATIONS.get(key)
    if (redeclarable !== undefined) {
      if (typeof value !== 'string' || !redeclarable.includes(value.trim())) {
        const allowed = redeclarable.map(s => `'${s}'`).join(' or ')
        throw schemaError(collectionName, key, `is a system field and can only be declared as ${allowed}, got ${JSON.stringify(value) ?? String(value)}`)
      }
      continue
    }
    if (key === '$type') {
      if (typeof value !== 'string' || value.trim() === '') {
        throw schemaError(collectionName, undefined, `directive "$type" must be a non-empty string, got ${JSON.stringify(value) ?? String(value)}`)
      }
      typeName = value
      continue
    }
    if (key.startsWith('$')) {
      directives[key] = value
      continue
    }
    if (key === '') throw schemaError(collectionName, key, 'field names cannot be empty')
    // As a property name it would replace an object's prototype instead of holding a value.
    if (key === '__proto__') throw schemaError(collectionName, key, 'is a reserved name')
    // '.' addresses nested values in filters and reverse relations ('OrderItem.order').
    if (key.includes('.')) throw schemaError(collectionName, key, `field names cannot contain '.'`)
    fields.push(parseField(collectionName, key, value))
  }

  const columns: ScalarField[] = [...SYSTEM_COLUMNS]
  for (const field of fields) {
    if (field.kind !== 'relation') columns.push(field)
    else if (field.direction === 'forward') {
      // The stored form of '-> Customer' is the target's $id.
      columns.push(Object.freeze({ name: field.name, kind: 'string', required: field.required, array: field.many, source: field.source }))
    }
  }

  const byName = new FrozenMap<string, Field>([
    ...SYSTEM_COLUMNS.map(c => [c.name, c] as const),
    ...fields.map(f => [f.name, f] as const),
  ])
  return Object.freeze({
    name: collectionName,
    typeName,
    fields: Object.freeze(fields),
    columns: Object.freeze(columns),
    byName,
    directives: Object.freeze(directives),
  })
}
