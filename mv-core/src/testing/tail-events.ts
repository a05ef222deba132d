import { createRandom, weightedPicker, type Random } from './random.ts'

/**
 * The collection definition for Cloudflare Workers tail events (one `TraceItem` per row).
 *
 * @example
 * const db = await Database.open({ storage, wal, schema: { TailEvents: tailEventsDefinition } })
 */
export const tailEventsDefinition = Object.freeze({
  $type: 'TailEvent',
  scriptName: 'string!',
  outcome: 'string!',
  eventTimestamp: 'timestamp!',
  event: 'variant?',
  logs: 'variant[]',
  exceptions: 'variant[]',
  cpuTime: 'int?',
  wallTime: 'int?',
  scriptVersion: 'string?',
  entrypoint: 'string?',
  executionModel: 'string?',
  truncated: 'boolean?',
} as const)

export type TailOutcome = 'ok' | 'exception' | 'exceededCpu' | 'exceededMemory' | 'canceled'
export type TailLogLevel = 'log' | 'info' | 'warn' | 'error' | 'debug'

/** As the Workers runtime reports it, `message` holds the console call's arguments. */
export type TailLog = { level: TailLogLevel; message: unknown[]; timestamp: number }
export type TailException = { name: string; message: string; timestamp: number; stack?: string }
export type TailRequestCf = { colo: string; country: string; asn: number; httpProtocol: string; tlsVersion: string }
export type TailFetchEvent = {
  request: { url: string; method: string; headers: Record<string, string>; cf: TailRequestCf }
  /** Absent when the invocation did not produce a response (exception, limits, cancellation). */
  response?: { status: number }
}
export type TailScheduledEvent = { cron: string; scheduledTime: number }
export type TailQueueEvent = { queue: string; batchSize: number }

/** One generated row, shaped like a Workers `TraceItem` and valid for `tailEventsDefinition`. */
export type TailEventRow = {
  scriptName: string
  outcome: TailOutcome
  eventTimestamp: Date
  event: TailFetchEvent | TailScheduledEvent | TailQueueEvent | null
  logs: TailLog[]
  exceptions: TailException[]
  cpuTime: number | null
  wallTime: number | null
  scriptVersion: string | null
  entrypoint: string | null
  executionModel: string | null
  truncated: boolean | null
}

export interface TailEventStreamOptions {
  seed: number
  /** Timestamp of the first event; default 2026-01-01T00:00:00Z. */
  start?: Date
  /** Pace of `eventTimestamp`; default 1000. */
  eventsPerSecond?: number
}

/** Epoch milliseconds of the default first event, 2026-01-01T00:00:00Z (a number: a shared Date could be mutated). */
export const DEFAULT_TAIL_START_MS = Date.UTC(2026, 0, 1)
export const DEFAULT_TAIL_EVENTS_PER_SECOND = 1000

/**
 * Epoch milliseconds of the `index`-th generated event. Timestamps depend only on the index, so
 * a benchmark or test can tell exactly which rows a time range holds.
 *
 * @example
 * const from = new Date(tailEventTimestamp(500_000)) // rows 500,000 onwards are at or after `from`
 */
export function tailEventTimestamp(index: number, options: Omit<TailEventStreamOptions, 'seed'> = {}): number {
  const start = options.start?.getTime() ?? DEFAULT_TAIL_START_MS
  const perSecond = options.eventsPerSecond ?? DEFAULT_TAIL_EVENTS_PER_SECOND
  return start + Math.floor((index * 1000) / perSecond)
}

/**
 * `count` tail events. The same options always produce the same rows.
 *
 * @example
 * const rows = generateTailEvents({ count: 1000, seed: 7 })
 */
export function generateTailEvents(options: TailEventStreamOptions & { count: number }): TailEventRow[] {
  assertCount('count', options.count, 0)
  const next = tailEventStream(options)
  const rows: TailEventRow[] = new Array(options.count)
  for (let index = 0; index < options.count; index++) rows[index] = next()
  return rows
}

/**
 * `total` tail events in arrays of `batchSize` (the last may be shorter), generated lazily so a
 * large run never holds more than one batch. Concatenated, the batches equal
 * `generateTailEvents({ count: total, ...sameOptions })`.
 *
 * @example
 * for (const batch of tailEventBatches({ total: 5_000_000, batchSize: 10_000, seed: 1 })) await tail.bulkCreate(batch)
 */
export function* tailEventBatches(
  options: TailEventStreamOptions & { total: number; batchSize: number },
): Generator<TailEventRow[], void, undefined> {
  assertCount('total', options.total, 0)
  assertCount('batchSize', options.batchSize, 1)
  const next = tailEventStream(options)
  for (let done = 0; done < options.total; ) {
    const size = Math.min(options.batchSize, options.total - done)
    const batch: TailEventRow[] = new Array(size)
    for (let index = 0; index < size; index++) batch[index] = next()
    done += size
    yield batch
  }
}

function assertCount(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) throw new RangeError(`tail events: ${name} must be an integer >= ${min}, got ${value}`)
}

type EventKind = 'fetch' | 'scheduled' | 'queue'

interface ScriptProfile {
  readonly name: string
  readonly share: number
  readonly kind: EventKind
  readonly host: string
  /** ':id' is replaced by a number. */
  readonly paths: readonly string[]
  readonly methods: (random: Random) => string
  readonly userAgents: readonly string[]
  readonly executionModel: 'stateless' | 'durableObject'
  readonly entrypoint: string | null
  /** Median CPU milliseconds and median extra wall milliseconds (waiting on I/O). */
  readonly cpuMedian: number
  readonly waitMedian: number
}

const BROWSERS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
  'curl/8.6.0',
] as const
const WEBHOOK_SENDERS = ['Stripe/1.0 (+https://stripe.com/docs/webhooks)', 'GitHub-Hookshot/8e3f1a2', 'Slackbot 1.0 (+https://api.slack.com/robots)'] as const
const readMostly = weightedPicker([['GET', 80], ['POST', 12], ['PUT', 3], ['DELETE', 2], ['PATCH', 2], ['OPTIONS', 1]])
const postOnly = weightedPicker([['POST', 1]])
const getOnly = weightedPicker([['GET', 1]])

// Popularity is skewed on purpose (roughly Zipf): a few scripts carry most of the traffic.
const SCRIPTS: readonly ScriptProfile[] = [
  {
    name: 'api-gateway', share: 40, kind: 'fetch', host: 'api.example.com',
    paths: ['/v1/users/:id', '/v1/orders/:id', '/v1/search', '/v1/health', '/v1/orders'],
    methods: readMostly, userAgents: BROWSERS, executionModel: 'stateless', entrypoint: null, cpuMedian: 1.5, waitMedian: 30,
  },
  {
    name: 'storefront', share: 25, kind: 'fetch', host: 'shop.example.com',
    paths: ['/', '/products/:id', '/cart', '/checkout', '/assets/app.js'],
    methods: readMostly, userAgents: BROWSERS, executionModel: 'stateless', entrypoint: null, cpuMedian: 3, waitMedian: 20,
  },
  {
    name: 'auth-worker', share: 12, kind: 'fetch', host: 'auth.example.com',
    paths: ['/login', '/token', '/callback', '/logout', '/.well-known/jwks.json'],
    methods: readMostly, userAgents: BROWSERS, executionModel: 'stateless', entrypoint: 'AuthService', cpuMedian: 2, waitMedian: 15,
  },
  {
    name: 'image-resizer', share: 8, kind: 'fetch', host: 'img.example.com',
    paths: ['/cdn-cgi/image/width=:id/photos/:id.jpg', '/thumbs/:id.webp'],
    methods: getOnly, userAgents: BROWSERS, executionModel: 'stateless', entrypoint: null, cpuMedian: 12, waitMedian: 60,
  },
  {
    name: 'webhooks', share: 6, kind: 'fetch', host: 'hooks.example.com',
    paths: ['/stripe', '/github', '/slack/events'],
    methods: postOnly, userAgents: WEBHOOK_SENDERS, executionModel: 'stateless', entrypoint: null, cpuMedian: 1, waitMedian: 45,
  },
  {
    name: 'email-consumer', share: 4, kind: 'queue', host: '', paths: [],
    methods: postOnly, userAgents: [], executionModel: 'stateless', entrypoint: null, cpuMedian: 4, waitMedian: 120,
  },
  {
    name: 'chat-room', share: 3, kind: 'fetch', host: 'chat.example.com',
    paths: ['/rooms/:id', '/rooms/:id/messages'],
    methods: readMostly, userAgents: BROWSERS, executionModel: 'durableObject', entrypoint: 'ChatRoom', cpuMedian: 0.8, waitMedian: 5,
  },
  {
    name: 'nightly-reports', share: 2, kind: 'scheduled', host: '', paths: [],
    methods: getOnly, userAgents: [], executionModel: 'stateless', entrypoint: null, cpuMedian: 25, waitMedian: 900,
  },
]

const pickScript = weightedPicker(SCRIPTS.map((script) => [script, script.share] as const))
const pickOutcome = weightedPicker<TailOutcome>([['ok', 950], ['exception', 30], ['canceled', 12], ['exceededCpu', 6], ['exceededMemory', 2]])
const pickStatus = weightedPicker([[200, 800], [304, 50], [201, 30], [204, 30], [404, 25], [400, 20], [401, 20], [301, 10], [403, 8], [429, 4], [500, 2], [503, 1]])
const pickLogCount = weightedPicker([[0, 30], [1, 25], [2, 20], [3, 12], [4, 8], [5, 5]])
const pickLevel = weightedPicker<TailLogLevel>([['log', 45], ['info', 25], ['warn', 12], ['debug', 10], ['error', 8]])
const pickVersion = weightedPicker([[0, 70], [1, 25], [2, 5]])
const pickColo = weightedPicker([
  [['IAD', 'US', 7922], 18], [['SJC', 'US', 7018], 14], [['ORD', 'US', 701], 8], [['LHR', 'GB', 2856], 10], [['FRA', 'DE', 3320], 9],
  [['AMS', 'NL', 1136], 6], [['CDG', 'FR', 3215], 6], [['NRT', 'JP', 2516], 8], [['SIN', 'SG', 16509], 7], [['BOM', 'IN', 9498], 6],
  [['GRU', 'BR', 28573], 5], [['SYD', 'AU', 1221], 3],
] as const)
const pickProtocol = weightedPicker([['HTTP/2', 60], ['HTTP/3', 25], ['HTTP/1.1', 15]])
const pickTls = weightedPicker([['TLSv1.3', 85], ['TLSv1.2', 15]])
const CRONS = ['0 3 * * *', '*/15 * * * *'] as const
const QUEUES = ['email-jobs', 'email-retries'] as const
const FAILURES = [
  ['TypeError', "Cannot read properties of undefined (reading 'id')"],
  ['Error', 'D1_ERROR: no such table: sessions'],
  ['SyntaxError', 'Unexpected token < in JSON at position 0'],
  ['RangeError', 'Invalid time value'],
  ['Error', 'Network connection lost.'],
] as const
const CPU_LIMIT_MS = 50

/** A closure producing the next row of one deterministic stream. */
function tailEventStream(options: TailEventStreamOptions): () => TailEventRow {
  const random = createRandom(options.seed)
  const timing = { start: options.start ?? new Date(DEFAULT_TAIL_START_MS), eventsPerSecond: options.eventsPerSecond ?? DEFAULT_TAIL_EVENTS_PER_SECOND }
  if (!(timing.eventsPerSecond > 0)) throw new RangeError(`tail events: eventsPerSecond must be > 0, got ${timing.eventsPerSecond}`)
  // Each script has a few deployed versions; the newest takes most of the traffic.
  const versions = new Map(SCRIPTS.map((script) => [script.name, [uuid(random), uuid(random), uuid(random)]]))
  let index = 0

  return () => {
    const timestamp = tailEventTimestamp(index++, timing)
    const script = pickScript(random)
    const outcome = pickOutcome(random)
    const cpuTime = outcome === 'exceededCpu' ? CPU_LIMIT_MS + random.int(0, 8) : Math.round(random.logNormal(script.cpuMedian, 0.8))
    // Wall time always exceeds CPU time: it adds the time spent waiting on I/O.
    const wallTime = cpuTime + 1 + Math.round(random.logNormal(script.waitMedian, outcome === 'canceled' ? 1.4 : 1))
    const event = eventFor(script, outcome, timestamp, random)
    const logs = logsFor(script, outcome, timestamp, wallTime, random)
    return {
      scriptName: script.name,
      outcome,
      eventTimestamp: new Date(timestamp),
      event,
      logs,
      exceptions: outcome === 'exception' ? [exceptionAt(timestamp + random.int(0, wallTime), random)] : [],
      cpuTime,
      wallTime,
      scriptVersion: (versions.get(script.name) as string[])[pickVersion(random)] as string,
      entrypoint: script.entrypoint,
      executionModel: script.executionModel,
      truncated: logs.length === 5 && random.chance(0.02),
    }
  }
}

function eventFor(script: ScriptProfile, outcome: TailOutcome, timestamp: number, random: Random): TailEventRow['event'] {
  if (script.kind === 'scheduled') return { cron: random.pick(CRONS), scheduledTime: timestamp - (timestamp % 60_000) }
  if (script.kind === 'queue') return { queue: random.pick(QUEUES), batchSize: random.int(1, 100) }
  const method = script.methods(random)
  const path = random.pick(script.paths).replaceAll(':id', String(random.int(1, 99_999)))
  const query = path === '/v1/search' ? `?q=${random.hex(6)}&page=${random.int(1, 20)}` : ''
  const headers: Record<string, string> = { accept: method === 'GET' ? '*/*' : 'application/json', 'accept-encoding': 'gzip, br', 'user-agent': random.pick(script.userAgents) }
  if (method !== 'GET' && method !== 'OPTIONS') headers['content-type'] = 'application/json'
  const [colo, country, asn] = pickColo(random)
  const request = { url: `https://${script.host}${path}${query}`, method, headers, cf: { colo, country, asn, httpProtocol: pickProtocol(random), tlsVersion: pickTls(random) } }
  return outcome === 'ok' ? { request, response: { status: pickStatus(random) } } : { request }
}

function logsFor(script: ScriptProfile, outcome: TailOutcome, timestamp: number, wallTime: number, random: Random): TailLog[] {
  const count = pickLogCount(random)
  const logs: TailLog[] = []
  for (let index = 0; index < count; index++) {
    // Log timestamps fall inside the invocation, in order.
    const at = timestamp + Math.floor(((index + random.next()) / count) * wallTime)
    const failing = outcome === 'exception' && index === count - 1
    const level = failing ? 'error' : pickLevel(random)
    logs.push({ level, message: messageFor(level, script, random), timestamp: at })
  }
  return logs
}

function messageFor(level: TailLogLevel, script: ScriptProfile, random: Random): unknown[] {
  switch (level) {
    case 'debug':
      return [`kv.get(session:${random.hex(8)})`, { bytes: random.int(0, 4096) }]
    case 'warn':
      return random.chance(0.5) ? [`slow upstream: ${random.int(500, 5000)}ms`] : [`retrying upstream (attempt ${random.int(2, 4)})`]
    case 'error':
      return ['upstream failed', { status: random.pick([500, 502, 503, 504]), requestId: random.hex(16) }]
    default:
      if (script.kind === 'queue') return [`sent ${random.int(1, 100)} emails`]
      if (script.kind === 'scheduled') return [`report rows: ${random.int(100, 100_000)}`]
      return random.chance(0.6) ? [`cache ${random.chance(0.8) ? 'hit' : 'miss'} for ${script.name}:${random.int(1, 5000)}`] : [`handled in ${random.int(1, 200)}ms`]
  }
}

function exceptionAt(timestamp: number, random: Random): TailException {
  const [name, message] = random.pick(FAILURES)
  if (random.chance(0.3)) return { name, message, timestamp }
  const stack = `${name}: ${message}\n    at handle (index.js:${random.int(10, 900)}:${random.int(1, 80)})\n    at Object.fetch (index.js:${random.int(900, 1200)}:${random.int(1, 40)})`
  return { name, message, timestamp, stack }
}

function uuid(random: Random): string {
  return `${random.hex(8)}-${random.hex(4)}-4${random.hex(3)}-${random.pick(['8', '9', 'a', 'b'])}${random.hex(3)}-${random.hex(12)}`
}
