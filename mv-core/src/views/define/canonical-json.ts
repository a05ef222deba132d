/**
 * The canonical text of a definition: JSON with object keys sorted (by UTF-16 code units) and
 * no whitespace, so two definitions that differ only in key order have the same text. Values
 * JSON has no form for are written as one-key objects whose key starts with U+0000, which no
 * real definition uses: Dates `{"\u0000date":"<ISO>"}`, bigints `{"\u0000bigint":"12"}`,
 * RegExps `{"\u0000regexp":["src","flags"]}`, and NaN / ±Infinity `{"\u0000number":"NaN"}`.
 * Object properties holding undefined are left out, as JSON.stringify does.
 *
 * @example
 * canonicalJson({ b: 1, a: [true, null] }) // '{"a":[true,null],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value)
    case 'boolean':
      return value ? 'true' : 'false'
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : tagged('number', JSON.stringify(String(value)))
    case 'bigint':
      return tagged('bigint', JSON.stringify(value.toString()))
    case 'undefined':
      return 'null'
    case 'function':
    case 'symbol':
      throw new TypeError(`canonicalJson: ${typeof value} has no canonical form`)
  }
  if (value === null) return 'null'
  if (value instanceof Date) return tagged('date', Number.isNaN(value.getTime()) ? 'null' : JSON.stringify(value.toISOString()))
  if (value instanceof RegExp) return tagged('regexp', `[${JSON.stringify(value.source)},${JSON.stringify(value.flags)}]`)
  if (Array.isArray(value)) return `[${(value as unknown[]).map(canonicalJson).join(',')}]`
  const record = value as Record<string, unknown>
  const keys = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort()
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(',')}}`
}

function tagged(tag: string, body: string): string {
  return `{${JSON.stringify(`\u0000${tag}`)}:${body}}`
}
