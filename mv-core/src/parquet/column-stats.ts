import type { Statistics } from 'hyparquet'
import { dateFromDays } from '../schema/calendar.ts'
import { decimalFromUnscaled, formatUnscaled, MAX_NUMBER_DECIMAL_PRECISION } from '../schema/decimal.ts'
import type { ColumnStats, ScalarField } from '../schema/types.ts'

/** String bounds are cut to this many UTF-16 code units so a long value cannot bloat the log. */
export const MAX_STAT_STRING_LENGTH = 64

/**
 * Relative widening that keeps a decimal bound a bound after it went through a double (the
 * conversion is off by at most a few ulps, 2^-52 each).
 */
const DECIMAL_WIDENING = 2 ** -48

/**
 * A lower bound of `text` of at most `limit` code units: a prefix (never ending in half a
 * surrogate pair).
 */
export function truncateMin(text: string, limit = MAX_STAT_STRING_LENGTH): string {
  if (text.length <= limit) return text
  const cut = isHighSurrogate(text.charCodeAt(limit - 1)) ? limit - 1 : limit
  return text.slice(0, cut)
}

/**
 * An upper bound of `text` (by JS `<`) of at most `limit` code units: a prefix whose last
 * increasable code unit is incremented. Undefined when no such bound exists (all U+FFFF).
 */
export function truncateMax(text: string, limit = MAX_STAT_STRING_LENGTH): string | undefined {
  if (text.length <= limit) return text
  for (let i = limit - 1; i >= 0; i--) {
    const code = text.charCodeAt(i)
    if (code === 0xffff) continue
    // A bumped high surrogate would lose its pair; U+E000 sorts above every surrogate instead.
    // Bumping a low surrogate keeps its pair valid; the prefix before it is unchanged.
    const next = isHighSurrogate(code) || code === 0xd7ff ? 0xe000 : code + 1
    return text.slice(0, i) + String.fromCharCode(next)
  }
  return undefined
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff
}

function widen(value: number, direction: -1 | 1): number {
  return value + direction * Math.abs(value) * DECIMAL_WIDENING
}

type Physical = string | number | bigint | boolean

/**
 * Running min/max/null count of one column, fed the physical values the encoder writes (unscaled
 * bigint for decimals, epoch-ms bigint for timestamps, day numbers for dates), so comparisons are
 * exact and cheap. `result()` gives the JSON-safe form described on ColumnStats.
 *
 * @example
 * const acc = new StatsAccumulator(totalColumn)
 * acc.add(1250n); acc.addNull()
 * acc.result() // { min: 12.5, max: 12.5, nullCount: 1 }
 */
export class StatsAccumulator {
  nullCount = 0
  private min: Physical | undefined
  private max: Physical | undefined
  private readonly ordered: boolean

  constructor(private readonly column: ScalarField) {
    this.ordered = !column.array && column.kind !== 'variant'
  }

  addNull(): void {
    this.nullCount++
  }

  add(value: Physical): void {
    if (!this.ordered) return
    if (this.min === undefined || value < this.min) this.min = value
    if (this.max === undefined || value > this.max) this.max = value
  }

  result(): ColumnStats {
    const stats: ColumnStats = { nullCount: this.nullCount }
    if (this.min === undefined || this.max === undefined) return stats
    const min = this.finish(this.min, -1)
    const max = this.finish(this.max, 1)
    if (min !== undefined && max !== undefined) {
      stats.min = min
      stats.max = max
    }
    return stats
  }

  private finish(value: Physical, direction: -1 | 1): string | number | boolean | undefined {
    const { kind, precision = 38, scale = 0 } = this.column
    switch (kind) {
      case 'string':
        return direction < 0 ? truncateMin(value as string) : truncateMax(value as string)
      case 'bigint':
        return String(value)
      case 'timestamp':
        return Number(value)
      case 'date':
        return dateFromDays(value as number)
      case 'decimal': {
        const unscaled = value as bigint
        if (precision <= MAX_NUMBER_DECIMAL_PRECISION) return decimalFromUnscaled(unscaled, precision, scale) as number
        return widen(Number(formatUnscaled(unscaled, scale)), direction)
      }
      case 'int':
      case 'float':
      case 'double':
        return value === 0 ? 0 : (value as number)
      case 'boolean':
        return value as boolean
      default:
        return undefined
    }
  }
}

/**
 * The JSON-safe stats of one column chunk from a Parquet footer, or undefined when the footer
 * says nothing usable (no statistics, variant and list columns). Bounds are kept only when they
 * stay bounds in the engine's terms: decimals are widened (the footer reader converts them
 * through doubles), and string bounds with code units >= U+D800 are dropped because Parquet
 * orders strings by code point while JS `<` orders UTF-16 code units, which disagree there.
 */
export function statsFromFooter(column: ScalarField, statistics: Statistics | undefined): ColumnStats | undefined {
  if (column.array || column.kind === 'variant') return undefined
  const nullCount = statistics?.null_count !== undefined ? Number(statistics.null_count) : column.required ? 0 : undefined
  if (nullCount === undefined) return undefined
  const stats: ColumnStats = { nullCount }
  const rawMin = statistics?.min_value ?? (isSignedNumeric(column) ? statistics?.min : undefined)
  const rawMax = statistics?.max_value ?? (isSignedNumeric(column) ? statistics?.max : undefined)
  if (rawMin === undefined || rawMax === undefined) return stats
  const min = footerBound(column, rawMin, -1)
  const max = footerBound(column, rawMax, 1)
  if (min !== undefined && max !== undefined) {
    stats.min = min
    stats.max = max
  }
  return stats
}

/** Kinds whose deprecated min/max fields were always ordered correctly (signed numbers). */
function isSignedNumeric(column: ScalarField): boolean {
  return column.kind === 'int' || column.kind === 'bigint' || column.kind === 'float' || column.kind === 'double' || column.kind === 'timestamp'
}

function footerBound(column: ScalarField, value: unknown, direction: -1 | 1): string | number | boolean | undefined {
  switch (column.kind) {
    case 'string': {
      if (typeof value !== 'string') return undefined
      for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) >= 0xd800) return undefined
      return direction < 0 ? truncateMin(value) : truncateMax(value)
    }
    case 'int':
    case 'float':
    case 'double':
      return typeof value === 'number' && !Number.isNaN(value) ? (value === 0 ? 0 : value) : undefined
    case 'bigint':
      return typeof value === 'bigint' || typeof value === 'number' ? String(value) : undefined
    case 'decimal':
      return typeof value === 'number' && Number.isFinite(value) ? widen(value, direction) : undefined
    case 'boolean':
      return typeof value === 'boolean' ? value : undefined
    case 'timestamp':
      if (value instanceof Date) return value.getTime()
      if (typeof value === 'number' || typeof value === 'bigint') return Number(value)
      return undefined
    case 'date':
      if (typeof value === 'string') return value
      if (value instanceof Date) return dateFromDays(Math.floor(value.getTime() / 86_400_000))
      return undefined
    default:
      return undefined
  }
}
