/**
 * What the exporter and the OTLP receiver both decode into before anything is written: one span
 * or log record, with ids as lowercase hex, times as exact nanoseconds and attributes as plain
 * JSON. Imports nothing; the decoders and writers import it.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue }

/** Attributes keyed by their dotted names, as senders write them: `{ 'http.route': '/users/:id' }`. */
export type AttributeMap = Record<string, JsonValue>

export type SpanKindName = 'unspecified' | 'internal' | 'server' | 'client' | 'producer' | 'consumer'

export type SpanStatusName = 'unset' | 'ok' | 'error'

export interface SpanEventRecord {
  readonly name: string
  readonly timeUnixNano: bigint
  readonly attributes: AttributeMap
}

export interface SpanLinkRecord {
  readonly traceId: string
  readonly spanId: string
  readonly attributes: AttributeMap
}

export interface SpanRecord {
  readonly traceId: string
  readonly spanId: string
  readonly parentSpanId: string | null
  readonly traceState: string | null
  readonly name: string
  readonly kind: SpanKindName
  readonly startTimeUnixNano: bigint
  readonly endTimeUnixNano: bigint
  readonly statusCode: SpanStatusName
  readonly statusMessage: string | null
  readonly attributes: AttributeMap
  readonly resource: AttributeMap
  readonly events: readonly SpanEventRecord[]
  readonly links: readonly SpanLinkRecord[]
  readonly scopeName: string | null
  readonly scopeVersion: string | null
}

export interface LogRecord {
  readonly timeUnixNano: bigint
  readonly observedTimeUnixNano: bigint | null
  readonly severityNumber: number | null
  readonly severityText: string | null
  readonly body: JsonValue
  readonly attributes: AttributeMap
  readonly resource: AttributeMap
  readonly traceId: string | null
  readonly spanId: string | null
  readonly scopeName: string | null
  readonly eventName: string | null
}

/** A batch decoded from one request: the records that can be written, and how many could not. */
export interface DecodedBatch<R> {
  readonly records: readonly R[]
  readonly rejected: number
  /** One line per rejected record (the first few), for `partialSuccess.errorMessage`. */
  readonly problems: readonly string[]
}
