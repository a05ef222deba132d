import type { AttributeMap, JsonValue } from './types.ts'

/**
 * OTLP's `AnyValue` (`{ stringValue }`, `{ intValue }`, `{ arrayValue: { values } }`, ...) as
 * plain JSON. int64 values arrive as strings or numbers: they become numbers while exact, and
 * stay decimal strings beyond 2^53. bytes stay base64 text. An empty or unknown value is null.
 *
 * @example
 * anyValueToJson({ kvlistValue: { values: [{ key: 'a', value: { intValue: '7' } }] } }) // { a: 7 }
 */
export function anyValueToJson(value: unknown): JsonValue {
  if (typeof value !== 'object' || value === null) return null
  const any = value as Record<string, unknown>
  if (typeof any.stringValue === 'string') return any.stringValue
  if (typeof any.boolValue === 'boolean') return any.boolValue
  if (any.intValue !== undefined && any.intValue !== null) return intValueOf(any.intValue)
  if (any.doubleValue !== undefined && any.doubleValue !== null) return doubleValueOf(any.doubleValue)
  if (typeof any.arrayValue === 'object' && any.arrayValue !== null) {
    const values = (any.arrayValue as { values?: unknown }).values
    return Array.isArray(values) ? values.map(anyValueToJson) : []
  }
  if (typeof any.kvlistValue === 'object' && any.kvlistValue !== null) return keyValuesToMap((any.kvlistValue as { values?: unknown }).values)
  if (typeof any.bytesValue === 'string') return any.bytesValue
  return null
}

/**
 * A `KeyValue[]` list (attributes) as one object; a later duplicate key wins, entries without a
 * string key are skipped.
 *
 * @example
 * keyValuesToMap([{ key: 'service.name', value: { stringValue: 'api' } }]) // { 'service.name': 'api' }
 */
export function keyValuesToMap(list: unknown): AttributeMap {
  const map: AttributeMap = {}
  if (!Array.isArray(list)) return map
  for (const entry of list) {
    if (typeof entry !== 'object' || entry === null) continue
    const { key, value } = entry as { key?: unknown; value?: unknown }
    // '__proto__' as a plain assignment would set the prototype, not a key.
    if (typeof key === 'string') Object.defineProperty(map, key, { value: anyValueToJson(value), enumerable: true, writable: true, configurable: true })
  }
  return map
}

function intValueOf(value: unknown): JsonValue {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null
  if (typeof value === 'string' && /^-?\d+$/.test(value)) {
    const number = Number(value)
    return Number.isSafeInteger(number) ? number : value
  }
  return null
}

/** Protobuf JSON writes non-finite doubles as "NaN" / "Infinity": JSON has no such numbers. */
function doubleValueOf(value: unknown): JsonValue {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null
  if (typeof value === 'string') return Number.isFinite(Number(value)) && value.trim() !== '' ? Number(value) : value
  return null
}
