import type { TraceItem } from '@cloudflare/workers-types'

/**
 * TraceItems shaped as the Workers runtime delivers them (typed by @cloudflare/workers-types),
 * one per event kind, for the tests. Times are around 2026-01-01T00:00:00Z.
 */
export const T0 = Date.UTC(2026, 0, 1)

const base = {
  eventTimestamp: T0,
  logs: [],
  exceptions: [],
  diagnosticsChannelEvents: [],
  scriptName: 'api-gateway',
  outcome: 'ok',
  executionModel: 'stateless',
  truncated: false,
  cpuTime: 2,
  wallTime: 31,
} satisfies Partial<TraceItem>

function request(url: string, method: string) {
  const plain = { url, method, headers: { accept: '*/*', 'user-agent': 'curl/8.6.0' }, cf: { colo: 'AMS', country: 'NL', asn: 1136, httpProtocol: 'HTTP/2' } }
  return { ...plain, getUnredacted: () => plain }
}

export const fetchItem: TraceItem = {
  ...base,
  event: { request: request('https://api.example.com/v1/users/7', 'GET'), response: { status: 200 } },
  logs: [
    { level: 'log', message: ['cache hit for api-gateway:7'], timestamp: T0 + 3 },
    { level: 'warn', message: ['slow upstream: 900ms', { attempt: 2 }], timestamp: T0 + 20 },
  ],
  scriptVersion: { id: '5d9c7c0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e', tag: 'v42' },
  entrypoint: 'default',
}

export const failedFetchItem: TraceItem = {
  ...base,
  outcome: 'exception',
  event: { request: request('https://api.example.com/v1/orders', 'POST') },
  logs: [{ level: 'error', message: ['upstream failed', { status: 502 }], timestamp: T0 + 1000 + 40 }],
  exceptions: [{ name: 'TypeError', message: "Cannot read properties of undefined (reading 'id')", timestamp: T0 + 1000 + 41, stack: 'TypeError: ...\n    at handle (index.js:10:3)' }],
  eventTimestamp: T0 + 1000,
}

export const scheduledItem: TraceItem = { ...base, scriptName: 'nightly-reports', event: { cron: '0 3 * * *', scheduledTime: T0 }, wallTime: 900 }

export const queueItem: TraceItem = { ...base, scriptName: 'email-consumer', event: { queue: 'email-jobs', batchSize: 12 } }

export const alarmItem: TraceItem = { ...base, scriptName: 'chat-room', executionModel: 'durableObject', durableObjectId: 'abc123', event: { scheduledTime: new Date(T0 + 60_000) } }

export const emailItem: TraceItem = { ...base, scriptName: 'inbound-mail', event: { mailFrom: 'a@example.com', rcptTo: 'support@example.com', rawSize: 5120 } }

export const rpcItem: TraceItem = { ...base, scriptName: 'auth-worker', entrypoint: 'AuthService', event: { rpcMethod: 'verify' } }

export const exceededCpuItem: TraceItem = { ...base, outcome: 'exceededCpu', cpuTime: 53, event: { request: request('https://img.example.com/thumbs/1.webp', 'GET') }, truncated: true }

/** Connect and custom events carry no fields. */
export const customItem: TraceItem = { ...base, scriptName: 'custom-events', event: {} }

export const allKinds: readonly TraceItem[] = [fetchItem, failedFetchItem, scheduledItem, queueItem, alarmItem, emailItem, rpcItem, exceededCpuItem, customItem]
