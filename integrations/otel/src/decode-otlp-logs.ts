import { anyValueToJson, keyValuesToMap } from './otlp-any-value.ts'
import { isObject, walkOtlpEnvelope } from './otlp-envelope.ts'
import { describeOtlpValue } from './otlp-field.ts'
import { decodeOtlpIdBytes, isZeroId } from './otlp-id.ts'
import { decodeOtlpNanos, isFixed64 } from './otlp-time.ts'
import type { DecodedBatch, LogRecord } from './types.ts'

/** How many rejection reasons a batch keeps for its `partialSuccess.errorMessage`. */
const MAX_PROBLEMS = 5

/**
 * An OTLP/HTTP JSON `ExportLogsServiceRequest` as log records: malformed requests throw a
 * VALIDATION error, records that cannot be stored are counted in `rejected`. A record without a
 * time takes its observed time, and without either the time it was received (`receivedAt`), as
 * the spec has collectors do.
 *
 * @example
 * const { records, rejected } = decodeOtlpLogs(JSON.parse(body), Date.now())
 */
export function decodeOtlpLogs(body: unknown, receivedAt: number): DecodedBatch<LogRecord> {
  const records: LogRecord[] = []
  const problems: string[] = []
  let rejected = 0
  const received = BigInt(receivedAt) * 1_000_000n
  walkOtlpEnvelope(body, { resources: 'resourceLogs', scopes: 'scopeLogs', records: 'logRecords' }, (log, context) => {
    const decoded = decodeLog(log, received)
    if (typeof decoded === 'string') {
      rejected++
      if (problems.length < MAX_PROBLEMS) problems.push(`${context.path}: ${decoded}`)
      return
    }
    records.push({ ...decoded, resource: context.resource, scopeName: context.scopeName })
  })
  return { records, rejected, problems }
}

/** The record's fields, or why it cannot be stored. */
function decodeLog(log: unknown, received: bigint): Omit<LogRecord, 'resource' | 'scopeName'> | string {
  if (!isObject(log)) return 'a log record must be an object'
  const time = optionalNanos(log.timeUnixNano)
  if (time === undefined) return `timeUnixNano ${describeOtlpValue(log.timeUnixNano)} is not a time in nanoseconds (a decimal string or number)`
  const observed = optionalNanos(log.observedTimeUnixNano)
  if (observed === undefined) return `observedTimeUnixNano ${describeOtlpValue(log.observedTimeUnixNano)} is not a time in nanoseconds`
  const traceId = optionalId(log.traceId, 16)
  if (traceId === undefined) return `traceId ${describeOtlpValue(log.traceId)} is not 16 bytes as hex or base64`
  const spanId = optionalId(log.spanId, 8)
  if (spanId === undefined) return `spanId ${describeOtlpValue(log.spanId)} is not 8 bytes as hex or base64`
  const severity = log.severityNumber
  let severityNumber: number | null = null
  if (typeof severity === 'number' && Number.isInteger(severity) && severity >= 0 && severity <= 24) severityNumber = severity === 0 ? null : severity
  else if (typeof severity === 'string' && SEVERITY_NAME.test(severity)) severityNumber = severityNumberOfName(severity)
  else if (severity !== undefined && severity !== null) return `severityNumber ${describeOtlpValue(severity)} is not 0-24 or SEVERITY_NUMBER_*`
  return {
    timeUnixNano: time ?? observed ?? received,
    observedTimeUnixNano: observed,
    severityNumber,
    severityText: typeof log.severityText === 'string' && log.severityText !== '' ? log.severityText : null,
    body: log.body === undefined ? null : anyValueToJson(log.body),
    attributes: keyValuesToMap(log.attributes),
    traceId,
    spanId,
    eventName: typeof log.eventName === 'string' && log.eventName !== '' ? log.eventName : null,
  }
}

const SEVERITY_NAME = /^SEVERITY_NUMBER_(UNSPECIFIED|(TRACE|DEBUG|INFO|WARN|ERROR|FATAL)[234]?)$/
const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL']

/** 'SEVERITY_NUMBER_WARN2' -> 14. */
function severityNumberOfName(name: string): number | null {
  const [, , level, step] = /^SEVERITY_NUMBER_((TRACE|DEBUG|INFO|WARN|ERROR|FATAL)([234]?))/.exec(name) ?? []
  if (level === undefined) return null
  return LEVELS.indexOf(level) * 4 + (step === '' || step === undefined ? 1 : Number(step))
}

/** A time that may be absent: null when absent or 0 (unset), undefined when unreadable. */
function optionalNanos(value: unknown): bigint | null | undefined {
  if (value === undefined || value === null) return null
  const nanos = decodeOtlpNanos(value)
  if (nanos === undefined || !isFixed64(nanos)) return undefined
  return nanos === 0n ? null : nanos
}

/** An id that may be absent (a log outside any span): null when absent, empty or zeros, undefined when unreadable. */
function optionalId(value: unknown, bytes: 16 | 8): string | null | undefined {
  if (value === undefined || value === null || value === '') return null
  const hex = decodeOtlpIdBytes(value, bytes)
  return hex !== undefined && isZeroId(hex) ? null : hex
}
