import { keyValuesToMap } from './otlp-any-value.ts'
import { isObject, walkOtlpEnvelope } from './otlp-envelope.ts'
import { describeOtlpValue, otlpEnum } from './otlp-field.ts'
import { decodeOtlpId } from './otlp-id.ts'
import { decodeOtlpNanos, isFixed64 } from './otlp-time.ts'
import type { DecodedBatch, SpanKindName, SpanRecord, SpanStatusName } from './types.ts'

/** How many rejection reasons a batch keeps for its `partialSuccess.errorMessage`. */
const MAX_PROBLEMS = 5

/** OTLP's span kinds by number, and by their protobuf enum names (which protobuf JSON may use). */
const KINDS: readonly SpanKindName[] = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer']
const STATUSES: readonly SpanStatusName[] = ['unset', 'ok', 'error']

/**
 * An OTLP/HTTP JSON `ExportTraceServiceRequest` as span records. A malformed request (not an
 * object, a level that is not a list) throws a VALIDATION error; a span that cannot be stored
 * (bad or missing ids, times, name) is counted in `rejected` with the reason, and the others are
 * kept, for a `partialSuccess` answer.
 *
 * @example
 * const { records, rejected } = decodeOtlpTraces(JSON.parse(body))
 */
export function decodeOtlpTraces(body: unknown): DecodedBatch<SpanRecord> {
  const records: SpanRecord[] = []
  const problems: string[] = []
  let rejected = 0
  walkOtlpEnvelope(body, { resources: 'resourceSpans', scopes: 'scopeSpans', records: 'spans' }, (span, context) => {
    const decoded = decodeSpan(span)
    if (typeof decoded === 'string') {
      rejected++
      if (problems.length < MAX_PROBLEMS) problems.push(`${context.path}: ${decoded}`)
      return
    }
    records.push({ ...decoded, resource: context.resource, scopeName: context.scopeName, scopeVersion: context.scopeVersion })
  })
  return { records, rejected, problems }
}

type SpanFields = Omit<SpanRecord, 'resource' | 'scopeName' | 'scopeVersion'>

/** The span's fields, or why it cannot be stored. */
function decodeSpan(span: unknown): SpanFields | string {
  if (!isObject(span)) return 'a span must be an object'
  const traceId = decodeOtlpId(span.traceId, 16)
  if (traceId === undefined) return `traceId ${describeOtlpValue(span.traceId)} is not 16 bytes as hex or base64 (nor all zeros)`
  const spanId = decodeOtlpId(span.spanId, 8)
  if (spanId === undefined) return `spanId ${describeOtlpValue(span.spanId)} is not 8 bytes as hex or base64 (nor all zeros)`
  let parentSpanId: string | null = null
  if (span.parentSpanId !== undefined && span.parentSpanId !== null && span.parentSpanId !== '') {
    parentSpanId = decodeOtlpId(span.parentSpanId, 8) ?? null
    if (parentSpanId === null) return `parentSpanId ${describeOtlpValue(span.parentSpanId)} is not 8 bytes as hex or base64`
  }
  if (typeof span.name !== 'string') return `name ${describeOtlpValue(span.name)} must be a string`
  const start = decodeOtlpNanos(span.startTimeUnixNano)
  const end = decodeOtlpNanos(span.endTimeUnixNano)
  if (start === undefined || start === 0n || !isFixed64(start)) return `startTimeUnixNano ${describeOtlpValue(span.startTimeUnixNano)} is not a time in nanoseconds (a decimal string or number)`
  if (end === undefined || end === 0n || !isFixed64(end)) return `endTimeUnixNano ${describeOtlpValue(span.endTimeUnixNano)} is not a time in nanoseconds (a decimal string or number)`
  if (end < start) return 'endTimeUnixNano is before startTimeUnixNano'
  const kind = otlpEnum(span.kind, KINDS, 'SPAN_KIND_')
  if (kind === undefined) return `kind ${describeOtlpValue(span.kind)} is not a span kind (0-5 or SPAN_KIND_*)`
  const status = isObject(span.status) ? span.status : {}
  const statusCode = otlpEnum(status.code, STATUSES, 'STATUS_CODE_')
  if (statusCode === undefined) return `status.code ${describeOtlpValue(status.code)} is not a status code (0-2 or STATUS_CODE_*)`
  const events = Array.isArray(span.events) ? span.events.filter(isObject) : []
  const links = Array.isArray(span.links) ? span.links.filter(isObject) : []
  return {
    traceId,
    spanId,
    parentSpanId,
    traceState: typeof span.traceState === 'string' && span.traceState !== '' ? span.traceState : null,
    name: span.name,
    kind,
    startTimeUnixNano: start,
    endTimeUnixNano: end,
    statusCode,
    statusMessage: typeof status.message === 'string' && status.message !== '' ? status.message : null,
    attributes: keyValuesToMap(span.attributes),
    events: events.map((event) => ({
      name: typeof event.name === 'string' ? event.name : '',
      timeUnixNano: decodeOtlpNanos(event.timeUnixNano) ?? start,
      attributes: keyValuesToMap(event.attributes),
    })),
    // A link to an id that cannot be read links nowhere: it is left out, the span kept.
    links: links.flatMap((link) => {
      const linkTrace = decodeOtlpId(link.traceId, 16)
      const linkSpan = decodeOtlpId(link.spanId, 8)
      return linkTrace === undefined || linkSpan === undefined ? [] : [{ traceId: linkTrace, spanId: linkSpan, attributes: keyValuesToMap(link.attributes) }]
    }),
  }
}
