import { ParqueDBError } from '../../errors.ts'
import { isPlainObject } from '../../query/is-plain-object.ts'

/**
 * Helpers to write aggregate states as JSON and read them back strictly: a stored state that
 * does not have the expected shape is CORRUPT, never silently misread.
 */

/** Reads a stored state's fields, throwing CORRUPT naming the aggregate on any mismatch. */
export class StateReader {
  private readonly label: string
  private readonly fields: Record<string, unknown>

  constructor(label: string, json: unknown) {
    this.label = label
    if (!isPlainObject(json)) throw this.corrupt('not an object')
    this.fields = json
  }

  corrupt(problem: string): ParqueDBError {
    return new ParqueDBError('CORRUPT', `${this.label}: stored aggregate state is malformed: ${problem}`, { label: this.label })
  }

  /** A raw field (undefined when absent). */
  raw(name: string): unknown {
    return Object.hasOwn(this.fields, name) ? this.fields[name] : undefined
  }

  /** A safe integer; `fallback` when the field is absent and a fallback is given. */
  integer(name: string, fallback?: number): number {
    const value = this.raw(name)
    if (value === undefined && fallback !== undefined) return fallback
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw this.corrupt(`${name} is not an integer`)
    return value
  }

  /** A finite number. */
  finite(name: string): number {
    const value = this.raw(name)
    if (typeof value !== 'number' || !Number.isFinite(value)) throw this.corrupt(`${name} is not a finite number`)
    return value
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name)
    if (value === undefined) return fallback
    if (typeof value !== 'boolean') throw this.corrupt(`${name} is not a boolean`)
    return value
  }

  /** An array of finite numbers (a copy). */
  finiteArray(name: string, fallback?: readonly number[]): number[] {
    const value = this.raw(name)
    if (value === undefined && fallback !== undefined) return [...fallback]
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'number' && Number.isFinite(item))) {
      throw this.corrupt(`${name} is not an array of finite numbers`)
    }
    return [...(value as number[])]
  }

  /** A bigint written as a decimal string. */
  bigint(name: string, fallback?: bigint): bigint {
    const value = this.raw(name)
    if (value === undefined && fallback !== undefined) return fallback
    if (typeof value !== 'string' || !/^-?\d+$/.test(value)) throw this.corrupt(`${name} is not an integer string`)
    return BigInt(value)
  }
}

/**
 * A row value in JSON: strings, booleans, null and finite numbers as they are; others tagged
 * (`{ $date: ms }`, `{ $bigint: '12' }`, `{ $number: 'NaN' }`, `{ $json: value }` for objects
 * and arrays, so a tag never collides with stored data).
 *
 * @example
 * encodeValue(new Date(5)) // { $date: 5 }
 * encodeValue({ a: 1 }) // { $json: { a: 1 } }
 */
export function encodeValue(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value
    case 'number':
      // JSON writes -0 as 0; min/max over signed zeros must come back as they were.
      if (Object.is(value, -0)) return { $number: '-0' }
      return Number.isFinite(value) ? value : { $number: String(value) }
    case 'bigint':
      return { $bigint: value.toString() }
    case 'undefined':
      return null
    case 'object':
      if (value === null) return null
      if (value instanceof Date) return { $date: Number.isNaN(value.getTime()) ? null : value.getTime() }
      return { $json: value }
    default:
      return null
  }
}

/** Reads encodeValue's form back; undefined for anything it could not have written. */
export function decodeValue(json: unknown): unknown {
  if (json === null || typeof json === 'string' || typeof json === 'boolean') return json
  if (typeof json === 'number') return Number.isFinite(json) ? json : undefined
  if (!isPlainObject(json)) return undefined
  const keys = Object.keys(json)
  if (keys.length !== 1) return undefined
  const tagged = json[keys[0] as string]
  switch (keys[0]) {
    case '$date':
      return typeof tagged === 'number' ? new Date(tagged) : tagged === null ? new Date(Number.NaN) : undefined
    case '$bigint':
      return typeof tagged === 'string' && /^-?\d+$/.test(tagged) ? BigInt(tagged) : undefined
    case '$number':
      if (tagged === '-0') return -0
      return tagged === 'NaN' ? Number.NaN : tagged === 'Infinity' ? Number.POSITIVE_INFINITY : tagged === '-Infinity' ? Number.NEGATIVE_INFINITY : undefined
    case '$json':
      return typeof tagged === 'object' && tagged !== null ? tagged : undefined
    default:
      return undefined
  }
}
