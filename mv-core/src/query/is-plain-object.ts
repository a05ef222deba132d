/**
 * True for `{...}` objects (prototype Object.prototype or null): filter and option specs, and the
 * JSON objects of variant fields. Arrays, Dates, RegExps and class instances are not plain.
 *
 * @example
 * isPlainObject({ a: 1 }) // true
 * isPlainObject(new Date()) // false
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false
  const proto: unknown = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}
