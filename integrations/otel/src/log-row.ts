import { dateOfNanos } from './nanos.ts'
import { serviceNameOf } from './span-row.ts'
import type { LogRecord } from './types.ts'

/** OTLP's severity numbers come in ranges of four per level: 1-4 TRACE ... 21-24 FATAL. */
const SEVERITY_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const

/** The level a severity number falls in, or null when unspecified (0) or out of range. */
export function severityName(severityNumber: number | null): string | null {
  if (severityNumber === null || severityNumber < 1 || severityNumber > 24) return null
  return SEVERITY_LEVELS[Math.floor((severityNumber - 1) / 4)] ?? null
}

/**
 * A decoded log record as a row of the `OtelLogs` collection.
 *
 * @example
 * await db.OtelLogs.bulkCreate(records.map(logRow))
 */
export function logRow(log: LogRecord): Record<string, unknown> {
  return {
    timestamp: dateOfNanos(log.timeUnixNano),
    observedTimestamp: log.observedTimeUnixNano === null ? null : dateOfNanos(log.observedTimeUnixNano),
    severityNumber: log.severityNumber,
    severity: log.severityText ?? severityName(log.severityNumber),
    body: log.body,
    attributes: log.attributes,
    resource: log.resource,
    traceId: log.traceId,
    spanId: log.spanId,
    serviceName: serviceNameOf(log.resource),
    scopeName: log.scopeName,
    eventName: log.eventName,
  }
}
