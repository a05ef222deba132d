/** Small readers shared by the OTLP trace and log decoders. */

/**
 * An enum given as its number or its protobuf name (protobuf's JSON mapping allows both); absent
 * means the zero value; anything else is undefined.
 *
 * @example
 * otlpEnum('SPAN_KIND_SERVER', ['unspecified', 'internal', 'server'], 'SPAN_KIND_') // 'server'
 */
export function otlpEnum<T>(value: unknown, names: readonly T[], prefix: string): T | undefined {
  if (value === undefined || value === null) return names[0]
  if (typeof value === 'number') return Number.isInteger(value) ? names[value] : undefined
  if (typeof value === 'string' && value.startsWith(prefix)) return names[names.findIndex((name) => String(name).toUpperCase() === value.slice(prefix.length))]
  return undefined
}

/** A sent value, short enough for a message. */
export function describeOtlpValue(value: unknown): string {
  if (value === undefined) return '(missing)'
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}
