import { dateOfNanos, isoOfNanos, millisBetween } from './nanos.ts'
import type { AttributeMap, SpanRecord } from './types.ts'

/** What SDKs name a service whose resource has no `service.name`. */
export const UNKNOWN_SERVICE = 'unknown_service'

/** The service a resource describes. */
export function serviceNameOf(resource: AttributeMap): string {
  const name = resource['service.name']
  return typeof name === 'string' && name !== '' ? name : UNKNOWN_SERVICE
}

/**
 * A decoded span as a row of the `Spans` collection.
 *
 * @example
 * await db.Spans.bulkCreate(records.map(spanRow))
 */
export function spanRow(span: SpanRecord): Record<string, unknown> {
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    traceState: span.traceState,
    name: span.name,
    kind: span.kind,
    serviceName: serviceNameOf(span.resource),
    startTime: dateOfNanos(span.startTimeUnixNano),
    endTime: dateOfNanos(span.endTimeUnixNano),
    startTimeUnixNano: span.startTimeUnixNano,
    durationMs: millisBetween(span.startTimeUnixNano, span.endTimeUnixNano),
    statusCode: span.statusCode,
    statusMessage: span.statusMessage,
    attributes: span.attributes,
    resource: span.resource,
    events: span.events.length === 0 ? null : span.events.map((event) => ({ name: event.name, time: isoOfNanos(event.timeUnixNano), attributes: event.attributes })),
    links: span.links.length === 0 ? null : span.links,
    scopeName: span.scopeName,
    scopeVersion: span.scopeVersion,
  }
}
