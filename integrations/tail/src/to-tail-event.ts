import { readTraceEvent } from './read-trace-event.ts'
import { toJsonSafe } from './to-json-safe.ts'
import type { TailEventInput, TailExceptionEntry, TailIssue, TailLimits, TailLogEntry, TraceItemLike } from './types.ts'

export interface ToTailEventOptions {
  readonly limits?: TailLimits
  /** Called once per problem found; the row is still returned, repaired. */
  readonly report?: (issue: TailIssue) => void
  /** The time stored when the item has no usable `eventTimestamp`; default now. */
  readonly receivedAt?: Date
}

/** Stored for a missing script name or outcome, so the row still counts somewhere visible. */
export const UNKNOWN = 'unknown'

const DEFAULT_LIMITS: Required<TailLimits> = { maxLogMessage: 16_384, maxException: 16_384, maxEvent: 32_768 }

/**
 * One TailEvents row from a Workers `TraceItem`. Fields are read by name (the runtime's objects
 * expose getters, not own keys) and checked one by one: what is valid is kept, what is missing
 * or malformed gets a default and is reported, oversized or non-JSON values are cut or replaced.
 * Never throws for an object; see createTailHandler for whole batches.
 *
 * @example
 * export default { tail: (items: TraceItem[]) => console.log(items.map((item) => toTailEvent(item))) }
 */
/** Rows toTailEvent made: writing one through the TailEvents collection does not map it twice. */
const mapped = new WeakSet<object>()

/** Whether a row came out of toTailEvent. */
export function isTailEventRow(value: unknown): boolean {
  return typeof value === 'object' && value !== null && mapped.has(value)
}

export function toTailEvent(item: TraceItemLike, options: ToTailEventOptions = {}): TailEventInput {
  const report = options.report ?? (() => {})
  const limits = { ...DEFAULT_LIMITS, ...options.limits }
  const source = item as Record<string, unknown>
  const eventTimestamp = epochOf(source.eventTimestamp)
  const at = eventTimestamp ?? defaulted(source.eventTimestamp, report, (options.receivedAt ?? new Date()).getTime())
  const { event, eventType } = readTraceEvent(source.event, limits.maxEvent, report)
  const row: TailEventInput = {
    scriptName: requiredText(source.scriptName, report),
    outcome: requiredText(source.outcome, report),
    eventTimestamp: new Date(at),
    event,
    eventType,
    logs: listOf(source.logs, report, (log) => logEntry(log, at, limits.maxLogMessage, report)),
    exceptions: listOf(source.exceptions, report, (exception) => exceptionEntry(exception, at, limits.maxException, report)),
    cpuTime: milliseconds(source.cpuTime, report),
    wallTime: milliseconds(source.wallTime, report),
    scriptVersion: versionId(source.scriptVersion, report),
    entrypoint: optionalText(source.entrypoint, report),
    executionModel: optionalText(source.executionModel, report),
    truncated: typeof source.truncated === 'boolean' ? source.truncated : absentOr(source.truncated, report, null),
  }
  mapped.add(row)
  return row
}

function requiredText(value: unknown, report: (issue: TailIssue) => void): string {
  if (typeof value === 'string' && value !== '') return value
  return defaulted(value === '' ? null : value, report, UNKNOWN)
}

function optionalText(value: unknown, report: (issue: TailIssue) => void): string | null {
  return typeof value === 'string' ? value : absentOr(value, report, null)
}

/** Null for an absent value, silently; null and an 'invalidField' report for a wrong one. */
function absentOr<T>(value: unknown, report: (issue: TailIssue) => void, fallback: T): T {
  if (value != null) report('invalidField')
  return fallback
}

/** The fallback, reporting the value as missing (absent or null) or invalid (anything else). */
function defaulted<T>(value: unknown, report: (issue: TailIssue) => void, fallback: T): T {
  report(value == null ? 'missingField' : 'invalidField')
  return fallback
}

function versionId(value: unknown, report: (issue: TailIssue) => void): string | null {
  if (typeof value === 'string') return value
  if (typeof value === 'object' && value !== null) {
    const id = (value as { id?: unknown }).id
    if (typeof id === 'string') return id
  }
  return absentOr(value, report, null)
}

/** An int column: whole, non-negative milliseconds. */
function milliseconds(value: unknown, report: (issue: TailIssue) => void): number | null {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 2 ** 31 - 1) return Math.round(value)
  return defaulted(value, report, null)
}

function epochOf(value: unknown): number | undefined {
  const ms = value instanceof Date ? value.getTime() : value
  return typeof ms === 'number' && Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? ms : undefined
}

function listOf<T>(value: unknown, report: (issue: TailIssue) => void, entry: (item: object) => T | undefined): T[] {
  if (value == null) return []
  if (!Array.isArray(value)) {
    report('invalidField')
    return []
  }
  const out: T[] = []
  for (const item of value as unknown[]) {
    const mapped = typeof item === 'object' && item !== null ? entry(item) : undefined
    if (mapped === undefined) report('invalidField')
    else out.push(mapped)
  }
  return out
}

function logEntry(log: object, at: number, maxChars: number, report: (issue: TailIssue) => void): TailLogEntry {
  const source = log as Record<string, unknown>
  const message = toJsonSafe(source.message, maxChars)
  if (message.truncated) report('truncatedValue')
  if (message.nonJson) report('nonJsonValue')
  const level = typeof source.level === 'string' ? source.level : defaulted(source.level, report, 'log')
  return { level, message: message.value, timestamp: epochOf(source.timestamp) ?? defaulted(source.timestamp, report, at) }
}

function exceptionEntry(exception: object, at: number, maxChars: number, report: (issue: TailIssue) => void): TailExceptionEntry {
  const source = exception as Record<string, unknown>
  const text = (value: unknown, fallback: string) => {
    const copied = toJsonSafe(typeof value === 'string' ? value : defaulted(value, report, value == null ? fallback : String(value)), maxChars)
    if (copied.truncated) report('truncatedValue')
    return copied.value as string
  }
  const entry: TailExceptionEntry = {
    name: text(source.name, 'Error'),
    message: text(source.message, ''),
    timestamp: epochOf(source.timestamp) ?? defaulted(source.timestamp, report, at),
  }
  if (typeof source.stack === 'string') entry.stack = text(source.stack, '')
  return entry
}
