import { defineView } from '@parquedb/mv-core'

/**
 * The tail pack: Cloudflare Workers tail events (one `TraceItem` per row) and the views over
 * them. The seeds' fields keep their names and meaning (scriptName, outcome, eventTimestamp,
 * event, logs, exceptions); the rest of the `TraceItem` sits beside them.
 *
 * @example
 * import { TailEvents, WorkerErrors } from '@parquedb/views-catalog/tail'
 * const db = DB({ TailEvents, WorkerErrors }, { storage: { type: 'fs', path: './data' } })
 */

/** One Worker invocation as its tail consumer sees it. */
export const TailEvents = {
  $type: 'TailEvent',
  scriptName: 'string!',
  /** 'ok' | 'exception' | 'exceededCpu' | 'exceededMemory' | 'canceled' | 'unknown' | ... */
  outcome: 'string!',
  eventTimestamp: 'timestamp!',
  /**
   * What triggered the invocation, as the runtime reports it: fetch `{ request: { url, method,
   * headers, cf }, response?: { status } }`, scheduled `{ cron, scheduledTime }`, queue
   * `{ queue, batchSize }`, alarm `{ scheduledTime }`, email `{ mailFrom, rcptTo, rawSize }`,
   * rpc `{ rpcMethod }`, ...; null when the runtime reports none.
   */
  event: 'variant?',
  /** The kind of `event`: 'fetch' | 'scheduled' | 'queue' | 'alarm' | 'email' | 'rpc' | 'tail' | 'websocket' | 'other'. */
  eventType: 'string?',
  /** `{ level, message, timestamp }`; `message` holds the console call's arguments. */
  logs: 'variant[]',
  /** `{ name, message, timestamp, stack? }` */
  exceptions: 'variant[]',
  /** Milliseconds. */
  cpuTime: 'int?',
  wallTime: 'int?',
  /** The deployed version's id. */
  scriptVersion: 'string?',
  entrypoint: 'string?',
  /** 'stateless' | 'durableObject' | ... */
  executionModel: 'string?',
  /** The runtime dropped some logs or exceptions of this invocation. */
  truncated: 'boolean?',
  $ingest: 'tail',
} as const

/** Every console line, one row each, with the script and colo of its invocation. */
export const WorkerLogs = defineView({
  $from: 'TailEvents',
  $unnest: 'logs',
  $select: {
    scriptName: '$scriptName',
    level: '$logs.level',
    message: '$logs.message',
    timestamp: '$logs.timestamp',
    colo: '$event.request.cf.colo',
    outcome: '$outcome',
    eventTimestamp: '$eventTimestamp',
  },
})

/** Invocations that failed (an outcome other than 'ok') or threw. */
export const WorkerErrors = defineView({
  $from: 'TailEvents',
  $filter: { $or: [{ outcome: { $ne: 'ok' } }, { 'exceptions.0': { $exists: true } }] },
  $select: {
    scriptName: '$scriptName',
    outcome: '$outcome',
    eventType: '$eventType',
    exceptionName: '$exceptions.0.name',
    exceptionMessage: '$exceptions.0.message',
    url: '$event.request.url',
    status: '$event.response.status',
    colo: '$event.request.cf.colo',
    timestamp: '$eventTimestamp',
  },
})

/**
 * HTTP requests (fetch invocations), with their wall time as `latency` in milliseconds.
 * Filtering on the request itself rather than `eventType` also keeps rows written without it.
 */
export const WorkerRequests = defineView({
  $from: 'TailEvents',
  $filter: { 'event.request': { $exists: true } },
  $select: {
    scriptName: '$scriptName',
    method: '$event.request.method',
    url: '$event.request.url',
    status: '$event.response.status',
    outcome: '$outcome',
    colo: '$event.request.cf.colo',
    country: '$event.request.cf.country',
    latency: '$wallTime',
    cpuTime: '$cpuTime',
    timestamp: '$eventTimestamp',
  },
})

/** Requests, errors and wall-time percentiles per script, method and hour. */
export const EndpointMetrics = defineView({
  $from: 'WorkerRequests',
  $groupBy: ['scriptName', 'method', { hour: '$timestamp' }],
  $compute: {
    requestCount: { $count: '*' },
    errorCount: { $sum: { $cond: [{ $ne: ['$outcome', 'ok'] }, 1, 0] } },
    errorRate: { $avg: { $cond: [{ $ne: ['$outcome', 'ok'] }, 1, 0] } },
    avgLatency: { $avg: 'latency' },
    p50Latency: { $percentile: ['latency', 0.5] },
    p95Latency: { $percentile: ['latency', 0.95] },
    p99Latency: { $percentile: ['latency', 0.99] },
  },
})

export const tailCollections = { TailEvents } as const
export const tailViews = { WorkerLogs, WorkerErrors, WorkerRequests, EndpointMetrics } as const
