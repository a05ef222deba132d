import { toJsonSafe } from './to-json-safe.ts'
import type { TailEventType, TailIssue } from './types.ts'

export interface ReadEvent {
  readonly event: Record<string, unknown> | null
  readonly eventType: TailEventType | null
}

type Source = Record<string, unknown>

/**
 * The event of a `TraceItem` as plain data, and its kind. The runtime's event objects carry no
 * tag and expose their fields as getters (workerd API objects, whose own keys are empty), so each
 * kind is recognised by the fields only it has, and those fields are read by name. A fetch
 * request's `getUnredacted` method and anything else not listed are not stored.
 *
 * @example
 * readTraceEvent({ cron: '0 * * * *', scheduledTime: 1767225600000 }, 32_768, () => {})
 * // { event: { cron: '0 * * * *', scheduledTime: 1767225600000 }, eventType: 'scheduled' }
 */
export function readTraceEvent(event: unknown, maxChars: number, report: (issue: TailIssue) => void): ReadEvent {
  if (event === null || event === undefined) return { event: null, eventType: null }
  if (typeof event !== 'object') {
    report('invalidField')
    return { event: null, eventType: null }
  }
  const source = event as Source
  const [eventType, fields] = plainFields(source, report)
  const copied = toJsonSafe(fields, maxChars)
  if (copied.truncated) report('truncatedValue')
  if (copied.nonJson) report('nonJsonValue')
  return { event: copied.value as Record<string, unknown>, eventType }
}

function plainFields(source: Source, report: (issue: TailIssue) => void): [TailEventType, Record<string, unknown>] {
  if ('request' in source) return ['fetch', fetchFields(source, report)]
  if ('rpcMethod' in source) return ['rpc', { rpcMethod: source.rpcMethod }]
  if ('cron' in source) return ['scheduled', { cron: source.cron, scheduledTime: epochMs(source.scheduledTime) }]
  if ('queue' in source) return ['queue', { queue: source.queue, batchSize: source.batchSize }]
  if ('mailFrom' in source) return ['email', { mailFrom: source.mailFrom, rcptTo: source.rcptTo, rawSize: source.rawSize }]
  // Alarms report a Date; stored as epoch milliseconds, like a scheduled event's time.
  if ('scheduledTime' in source) return ['alarm', { scheduledTime: epochMs(source.scheduledTime) }]
  if ('consumedEvents' in source) {
    const consumed = Array.isArray(source.consumedEvents) ? source.consumedEvents : []
    return ['tail', { consumedEvents: consumed.map((item: unknown) => ({ scriptName: readField(item, 'scriptName') ?? null })) }]
  }
  if ('getWebSocketEvent' in source) {
    const detail = source.getWebSocketEvent
    return ['websocket', { webSocketEventType: readField(detail, 'webSocketEventType'), code: readField(detail, 'code'), wasClean: readField(detail, 'wasClean') }]
  }
  // Connect and custom events have no fields; anything else is a kind this version does not know.
  if (Object.keys(source).length > 0) report('unknownEventKind')
  return ['other', source]
}

function fetchFields(source: Source, report: (issue: TailIssue) => void): Record<string, unknown> {
  const request = source.request
  if (typeof request !== 'object' || request === null) {
    report('invalidField')
    return { request: null }
  }
  const headers = readField(request, 'headers')
  const fields: Record<string, unknown> = {
    request: {
      url: readField(request, 'url'),
      method: readField(request, 'method'),
      headers: typeof headers === 'object' && headers !== null ? stringEntries(headers) : {},
      cf: readField(request, 'cf'),
    },
  }
  const response = source.response
  if (typeof response === 'object' && response !== null) fields.response = { status: readField(response, 'status') }
  return fields
}

function readField(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Source)[key] : undefined
}

function stringEntries(headers: object): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) if (typeof value === 'string') out[name] = value
  return out
}

function epochMs(value: unknown): unknown {
  return value instanceof Date ? value.getTime() : value
}
