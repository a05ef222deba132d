/**
 * The canonical text of a list of key values, e.g. a group key: `[` + one token per value,
 * joined by `,` + `]`. Equal keys give equal text and different keys different text:
 * - null and undefined: `null`; booleans: `true` / `false`;
 * - numbers: their JSON text (−0 is `0`), and `NaN`, `Infinity`, `-Infinity`;
 * - bigints: digits and `n` (`12n`, so 12n and 12 are different keys);
 * - strings: JSON string literals, with U+007F escaped too, so the text holds no control
 *   characters and no lone surrogates (it can be an id);
 * - Dates: the ISO text, unquoted (`2024-01-15T00:00:00.000Z`), `InvalidDate` for an invalid one;
 * - arrays `[...]` and objects `{"key":value,...}` recursively, object keys sorted by UTF-16 code
 *   units and properties holding undefined left out (as valuesEqual treats them).
 * Every token is self-delimiting, which is what makes the encoding injective.
 *
 * @example
 * encodeKey(['2024-01-15', 'paid']) // '["2024-01-15","paid"]'
 * encodeKey([new Date(0), null, 3]) // '[1970-01-01T00:00:00.000Z,null,3]'
 */
export function encodeKey(values: readonly unknown[]): string {
  return `[${values.map(encodeToken).join(',')}]`
}

function encodeToken(value: unknown): string {
  switch (typeof value) {
    case 'undefined':
      return 'null'
    case 'boolean':
      return value ? 'true' : 'false'
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : String(value)
    case 'bigint':
      return `${value.toString()}n`
    case 'string':
      return quote(value)
    case 'function':
    case 'symbol':
      throw new TypeError(`encodeKey: a ${typeof value} is not a key value`)
  }
  if (value === null) return 'null'
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'InvalidDate' : value.toISOString()
  if (Array.isArray(value)) return encodeKey(value as readonly unknown[])
  const record = value as Record<string, unknown>
  const keys = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort()
  return `{${keys.map((key) => `${quote(key)}:${encodeToken(record[key])}`).join(',')}}`
}

/** JSON.stringify escapes C0 controls and lone surrogates; DEL is a control character too. */
function quote(text: string): string {
  return JSON.stringify(text).replaceAll('\u007f', '\\u007f')
}
