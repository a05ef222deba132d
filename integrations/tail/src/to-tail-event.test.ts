import { describe, expect, it } from 'vitest'
import { alarmItem, customItem, emailItem, exceededCpuItem, failedFetchItem, fetchItem, queueItem, rpcItem, scheduledItem, T0 } from './test-fixtures.ts'
import { toTailEvent, UNKNOWN } from './to-tail-event.ts'
import type { TailIssue } from './types.ts'

function mapped(item: object, receivedAt = new Date(T0 + 5)) {
  const issues: TailIssue[] = []
  const row = toTailEvent(item, { report: (issue) => issues.push(issue), receivedAt })
  return { row, issues }
}

describe('toTailEvent on real TraceItem shapes', () => {
  it('maps a fetch invocation: request without its methods, response, logs, version id', () => {
    const { row, issues } = mapped(fetchItem)
    expect(issues).toEqual([])
    expect(row).toEqual({
      scriptName: 'api-gateway',
      outcome: 'ok',
      eventTimestamp: new Date(T0),
      eventType: 'fetch',
      event: {
        request: { url: 'https://api.example.com/v1/users/7', method: 'GET', headers: { accept: '*/*', 'user-agent': 'curl/8.6.0' }, cf: { colo: 'AMS', country: 'NL', asn: 1136, httpProtocol: 'HTTP/2' } },
        response: { status: 200 },
      },
      logs: [
        { level: 'log', message: ['cache hit for api-gateway:7'], timestamp: T0 + 3 },
        { level: 'warn', message: ['slow upstream: 900ms', { attempt: 2 }], timestamp: T0 + 20 },
      ],
      exceptions: [],
      cpuTime: 2,
      wallTime: 31,
      scriptVersion: '5d9c7c0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e',
      entrypoint: 'default',
      executionModel: 'stateless',
      truncated: false,
    })
  })

  it('keeps a failed request without response, and its exception with the stack', () => {
    const { row, issues } = mapped(failedFetchItem)
    expect(issues).toEqual([])
    expect(row.event).not.toHaveProperty('response')
    expect(row.exceptions).toEqual([{ name: 'TypeError', message: "Cannot read properties of undefined (reading 'id')", timestamp: T0 + 1041, stack: 'TypeError: ...\n    at handle (index.js:10:3)' }])
  })

  it.each([
    ['scheduled', scheduledItem, { cron: '0 3 * * *', scheduledTime: T0 }],
    ['queue', queueItem, { queue: 'email-jobs', batchSize: 12 }],
    ['alarm', alarmItem, { scheduledTime: T0 + 60_000 }],
    ['email', emailItem, { mailFrom: 'a@example.com', rcptTo: 'support@example.com', rawSize: 5120 }],
    ['rpc', rpcItem, { rpcMethod: 'verify' }],
    ['other', customItem, {}],
  ])('recognises a %s event by its fields', (eventType, item, event) => {
    const { row, issues } = mapped(item)
    expect(issues).toEqual([])
    expect(row.eventType).toBe(eventType)
    expect(row.event).toEqual(event)
  })

  it('keeps limit outcomes and the truncated flag', () => {
    const { row } = mapped(exceededCpuItem)
    expect([row.outcome, row.cpuTime, row.truncated, row.event && 'response' in row.event]).toEqual(['exceededCpu', 53, true, false])
  })

  it('reads fields through getters, as the runtime API objects expose them', () => {
    class RuntimeTraceItem {
      get scriptName() { return 'getter-script' }
      get outcome() { return 'ok' }
      get eventTimestamp() { return T0 }
      get event() { return new (class { get queue() { return 'q' } get batchSize() { return 3 } })() }
      get logs() { return [new (class { get level() { return 'info' } get message() { return ['hi'] } get timestamp() { return T0 + 1 } })()] }
      get exceptions() { return [] }
      get cpuTime() { return 1 }
      get wallTime() { return 2 }
    }
    const { row, issues } = mapped(new RuntimeTraceItem())
    expect(issues).toEqual([])
    expect(row).toMatchObject({ scriptName: 'getter-script', eventType: 'queue', event: { queue: 'q', batchSize: 3 }, logs: [{ level: 'info', message: ['hi'], timestamp: T0 + 1 }] })
  })
})

describe('toTailEvent on malformed items', () => {
  it('stores defaults for missing fields and reports each', () => {
    const { row, issues } = mapped({ logs: 'not a list', cpuTime: -1, wallTime: 'slow', event: { weird: true }, scriptVersion: 42 })
    expect(row).toMatchObject({ scriptName: UNKNOWN, outcome: UNKNOWN, eventTimestamp: new Date(T0 + 5), eventType: 'other', event: { weird: true }, logs: [], cpuTime: null, wallTime: null, scriptVersion: null })
    expect(issues.sort()).toEqual(['invalidField', 'invalidField', 'invalidField', 'invalidField', 'missingField', 'missingField', 'missingField', 'unknownEventKind'].sort())
  })

  it('cuts huge messages, stringifies non-JSON values and survives cycles', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' }
    cyclic.self = cyclic
    const { row, issues } = mapped({
      ...fetchItem,
      logs: [
        { level: 'log', message: ['x'.repeat(100_000)], timestamp: T0 },
        { level: 'log', message: [10n, Number.NaN, () => 1, Symbol('s'), cyclic], timestamp: T0 },
        { level: 7, message: 'no timestamp' },
        'not a log',
      ],
      exceptions: [{ name: 'Error', message: 'm'.repeat(50_000), timestamp: T0, stack: 's'.repeat(50_000) }],
    })
    const [huge, exotic, bare] = row.logs
    expect(JSON.stringify(huge!.message).length).toBeLessThanOrEqual(16_384 + 8)
    expect((huge!.message as string[])[0]!.endsWith('…')).toBe(true)
    expect(exotic!.message).toEqual(['10', null, null, null, { name: 'loop', self: '[Circular]' }])
    expect(bare).toEqual({ level: 'log', message: 'no timestamp', timestamp: T0 })
    expect(row.logs).toHaveLength(3)
    expect(row.exceptions[0]!.message.length).toBeLessThanOrEqual(16_384)
    expect(row.exceptions[0]!.stack!.length).toBeLessThanOrEqual(16_384)
    expect(issues.filter((issue) => issue === 'truncatedValue')).toHaveLength(3)
    expect(issues.filter((issue) => issue === 'nonJsonValue')).toHaveLength(1)
    expect(issues.filter((issue) => issue === 'invalidField')).toHaveLength(2)
    expect(issues.filter((issue) => issue === 'missingField')).toHaveLength(1)
  })

  it('caps the event, headers and cf included', () => {
    const { row, issues } = mapped({ ...fetchItem, event: { request: { url: 'https://a.example/', method: 'GET', headers: { cookie: 'c'.repeat(100_000), 'x-bad': 5 }, cf: { huge: 'h'.repeat(100_000) } } } }, undefined)
    expect(JSON.stringify(row.event).length).toBeLessThanOrEqual(32_768 + 16)
    expect((row.event as { request: { headers: Record<string, string> } }).request.headers).not.toHaveProperty('x-bad')
    expect(issues).toEqual(['truncatedValue'])
  })
})
