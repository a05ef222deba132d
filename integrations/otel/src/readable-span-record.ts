import { SpanKind, SpanStatusCode, type Attributes, type HrTime, type Link, type SpanContext, type SpanStatus } from '@opentelemetry/api'
import type { AttributeMap, JsonValue, SpanKindName, SpanRecord } from './types.ts'

/**
 * The part of the SDK's `ReadableSpan` (`@opentelemetry/sdk-trace-base`) the exporter reads,
 * described here so the package needs only `@opentelemetry/api`: a real ReadableSpan fits it.
 */
export interface ReadableSpanLike {
  readonly name: string
  readonly kind: SpanKind
  readonly spanContext: () => SpanContext
  readonly parentSpanContext?: SpanContext | undefined
  readonly startTime: HrTime
  readonly endTime: HrTime
  readonly status: SpanStatus
  readonly attributes: Attributes
  readonly links: readonly Link[]
  readonly events: readonly { readonly time: HrTime; readonly name: string; readonly attributes?: Attributes | undefined }[]
  readonly resource: { readonly attributes: Attributes }
  readonly instrumentationScope: { readonly name: string; readonly version?: string | undefined }
}

const KIND_NAMES: Readonly<Record<number, SpanKindName>> = {
  [SpanKind.INTERNAL]: 'internal',
  [SpanKind.SERVER]: 'server',
  [SpanKind.CLIENT]: 'client',
  [SpanKind.PRODUCER]: 'producer',
  [SpanKind.CONSUMER]: 'consumer',
}

/**
 * A finished SDK span as the record the writers take.
 *
 * @example
 * const records = spans.map(recordOfReadableSpan)
 */
export function recordOfReadableSpan(span: ReadableSpanLike): SpanRecord {
  const context = span.spanContext()
  const parent = span.parentSpanContext
  return {
    traceId: context.traceId.toLowerCase(),
    spanId: context.spanId.toLowerCase(),
    parentSpanId: parent === undefined ? null : parent.spanId.toLowerCase(),
    traceState: context.traceState?.serialize() || null,
    name: span.name,
    kind: KIND_NAMES[span.kind] ?? 'unspecified',
    startTimeUnixNano: nanosOfHrTime(span.startTime),
    endTimeUnixNano: nanosOfHrTime(span.endTime),
    statusCode: span.status.code === SpanStatusCode.ERROR ? 'error' : span.status.code === SpanStatusCode.OK ? 'ok' : 'unset',
    statusMessage: span.status.message || null,
    attributes: attributeMapOf(span.attributes),
    resource: attributeMapOf(span.resource.attributes),
    events: span.events.map((event) => ({ name: event.name, timeUnixNano: nanosOfHrTime(event.time), attributes: attributeMapOf(event.attributes ?? {}) })),
    links: span.links.map((link) => ({ traceId: link.context.traceId.toLowerCase(), spanId: link.context.spanId.toLowerCase(), attributes: attributeMapOf(link.attributes ?? {}) })),
    scopeName: span.instrumentationScope.name || null,
    scopeVersion: span.instrumentationScope.version || null,
  }
}

/** `[seconds, nanoseconds]` as nanoseconds since the epoch. */
export function nanosOfHrTime([seconds, nanos]: HrTime): bigint {
  return BigInt(Math.trunc(seconds)) * 1_000_000_000n + BigInt(Math.trunc(nanos))
}

/** SDK attributes as JSON: undefined values are dropped, array holes become null. */
function attributeMapOf(attributes: Attributes): AttributeMap {
  const map: AttributeMap = {}
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined) continue
    map[key] = Array.isArray(value) ? value.map((item: JsonValue | undefined) => item ?? null) : (value as JsonValue)
  }
  return map
}
