/**
 * Type brackets of the sort order, lowest first: null/missing, numbers (with bigints), strings,
 * booleans, Dates, then objects and arrays. Filter range operators only compare within a bracket.
 *
 * @example
 * typeBracket(null) // 0
 * typeBracket(3n) === typeBracket(2.5) // true
 */
export function typeBracket(value: unknown): number {
  if (value === null || value === undefined) return 0
  switch (typeof value) {
    case 'number':
    case 'bigint':
      return 1
    case 'string':
      return 2
    case 'boolean':
      return 3
    case 'object':
      return value instanceof Date ? 4 : 5
    default:
      return 6 // functions and symbols never come out of storage; keep the order total anyway
  }
}

/**
 * A total order over row values for sorting: null and missing first (so they come first in
 * ascending order and last in descending order, like MongoDB), then numbers and bigints by
 * numeric value (NaN lowest), strings by UTF-16 code units, false before true, Dates by instant,
 * and objects and arrays last, by their JSON text.
 *
 * @example
 * [3, null, 'a', 1n].sort(compareValues) // [null, 1n, 3, 'a']
 */
export function compareValues(a: unknown, b: unknown): number {
  const ba = typeBracket(a)
  const bb = typeBracket(b)
  if (ba !== bb) return ba < bb ? -1 : 1
  switch (ba) {
    case 0:
      return 0
    case 1:
      return compareNumeric(a as number | bigint, b as number | bigint)
    case 2:
    case 3:
      return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0
    case 4:
      return compareNumeric((a as Date).getTime(), (b as Date).getTime())
    case 5: {
      const x = jsonText(a)
      const y = jsonText(b)
      return x < y ? -1 : x > y ? 1 : 0
    }
    default:
      return 0
  }
}

/** Numbers and bigints by value (JS compares a bigint with a number exactly); NaN sorts first. */
function compareNumeric(a: number | bigint, b: number | bigint): number {
  if (a < b) return -1
  if (a > b) return 1
  if (a == b) return 0
  const nanA = Number.isNaN(a)
  return nanA === Number.isNaN(b) ? 0 : nanA ? -1 : 1
}

function jsonText(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item)) ?? ''
}
