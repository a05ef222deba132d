/**
 * Deep equality of row values, the meaning of `$eq`/`$in` for objects and arrays:
 * numbers and bigints by numeric value (1n equals 1), Dates by instant, null equals undefined,
 * arrays element by element, objects by their keys regardless of order (a key holding undefined
 * counts as absent). NaN equals NaN, so a filter can look for it.
 *
 * @example
 * valuesEqual({ a: [1, 2n] }, { a: [1, 2] }) // true
 * valuesEqual(new Date(5), new Date(5)) // true
 */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (a === null || a === undefined || b === null || b === undefined) return (a === null || a === undefined) && (b === null || b === undefined)
  const ta = typeof a
  const tb = typeof b
  if (ta === 'number' || ta === 'bigint') {
    if (tb !== 'number' && tb !== 'bigint') return false
    // Loose equality compares a bigint with a number exactly; NaN is the only self-unequal value.
    return (a as unknown) == (b as unknown) || (Number.isNaN(a) && Number.isNaN(b))
  }
  if (ta !== 'object' || tb !== 'object') return false
  if (a instanceof Date || b instanceof Date) {
    if (!(a instanceof Date && b instanceof Date)) return false
    const x = a.getTime()
    const y = b.getTime()
    return x === y || (Number.isNaN(x) && Number.isNaN(y))
  }
  const aArray = Array.isArray(a)
  if (aArray !== Array.isArray(b)) return false
  if (aArray) {
    const x = a as unknown[]
    const y = b as unknown[]
    if (x.length !== y.length) return false
    for (let i = 0; i < x.length; i++) if (!valuesEqual(x[i], y[i])) return false
    return true
  }
  return objectsEqual(a as Record<string, unknown>, b as Record<string, unknown>)
}

function objectsEqual(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  let count = 0
  for (const key of Object.keys(a)) {
    const value = a[key]
    if (value === undefined) continue
    count++
    if (!Object.hasOwn(b, key) || !valuesEqual(value, b[key])) return false
  }
  for (const key of Object.keys(b)) if (b[key] !== undefined) count--
  return count === 0
}
