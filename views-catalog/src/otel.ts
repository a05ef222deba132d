import { defineView } from '@parquedb/mv-core'

/**
 * The OpenTelemetry pack: spans and log records as OTLP describes them (from the span exporter
 * or the OTLP/HTTP receiver), and the views over spans. Ids are lowercase hex whatever the sender
 * used; times are instants (ms), with the span start's exact nanoseconds kept beside them.
 *
 * @example
 * import { Spans, SpanLatency } from '@parquedb/views-catalog/otel'
 * const db = DB({ Spans, SpanLatency }, { storage: { type: 'memory' } })
 */

/** One finished span. */
export const Spans = {
  $type: 'Span',
  /** 32 lowercase hex digits. */
  traceId: 'string!',
  /** 16 lowercase hex digits. */
  spanId: 'string!',
  /** Absent on a trace's root span. */
  parentSpanId: 'string?',
  traceState: 'string?',
  name: 'string!',
  /** 'internal' | 'server' | 'client' | 'producer' | 'consumer' | 'unspecified' */
  kind: 'string!',
  /** The resource's `service.name` ('unknown_service' when it has none, as the SDKs default). */
  serviceName: 'string!',
  startTime: 'timestamp!',
  endTime: 'timestamp!',
  /** The exact start, for ordering spans of one trace below the millisecond. */
  startTimeUnixNano: 'bigint!',
  /** End minus start, with the nanoseconds kept as a fraction. */
  durationMs: 'double!',
  /** 'unset' | 'ok' | 'error' */
  statusCode: 'string!',
  statusMessage: 'string?',
  /** Span attributes as one JSON object (`{ 'http.route': '/users/:id', ... }`). */
  attributes: 'variant?',
  /** Resource attributes (`service.name`, `host.name`, ...). */
  resource: 'variant?',
  /** `[{ name, time, attributes }]`: exceptions and other timed events. */
  events: 'variant?',
  /** `[{ traceId, spanId, attributes }]` */
  links: 'variant?',
  /** The instrumentation scope (library) that recorded the span. */
  scopeName: 'string?',
  scopeVersion: 'string?',
  $ingest: 'otel',
} as const

/** One log record. */
export const OtelLogs = {
  $type: 'OtelLog',
  /** When the event happened; the observed time when the sender gave none. */
  timestamp: 'timestamp!',
  observedTimestamp: 'timestamp?',
  /** 1-24 as OTLP numbers them (9 INFO, 13 WARN, 17 ERROR, 21 FATAL); absent when unspecified. */
  severityNumber: 'int?',
  /** The sender's severity text, else the name of the number's range ('INFO', 'ERROR', ...). */
  severity: 'string?',
  /** A string, or any JSON value for structured bodies. */
  body: 'variant?',
  attributes: 'variant?',
  resource: 'variant?',
  traceId: 'string?',
  spanId: 'string?',
  serviceName: 'string!',
  scopeName: 'string?',
  eventName: 'string?',
  $ingest: 'otel',
} as const

/** Span count and latency (avg, p50, p95, p99, max) per service, span name and hour. */
export const SpanLatency = defineView({
  $from: 'Spans',
  $groupBy: ['serviceName', 'name', { hour: '$startTime' }],
  $compute: {
    spanCount: { $count: '*' },
    avgDurationMs: { $avg: 'durationMs' },
    p50DurationMs: { $percentile: ['durationMs', 0.5] },
    p95DurationMs: { $percentile: ['durationMs', 0.95] },
    p99DurationMs: { $percentile: ['durationMs', 0.99] },
    maxDurationMs: { $max: 'durationMs' },
  },
})

/** Spans, failed spans and the share that failed (0..1) per service, span name and hour. */
export const SpanErrorRate = defineView({
  $from: 'Spans',
  $groupBy: ['serviceName', 'name', { hour: '$startTime' }],
  $compute: {
    spanCount: { $count: '*' },
    errorCount: { $sum: { $cond: [{ $eq: ['$statusCode', 'error'] }, 1, 0] } },
    errorRate: { $avg: { $cond: [{ $eq: ['$statusCode', 'error'] }, 1, 0] } },
  },
})

/** Failed spans, as they happen. */
export const ErrorSpans = defineView({
  $from: 'Spans',
  $filter: { statusCode: 'error' },
})

export const otelCollections = { Spans, OtelLogs } as const
export const otelViews = { SpanLatency, SpanErrorRate, ErrorSpans } as const
