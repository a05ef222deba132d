import { gzipSync } from 'node:zlib'
import { SpanKind, SpanStatusCode } from '@opentelemetry/api'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { aiSdk } from '@parquedb/ai-sdk'
import { DB } from 'parquedb'
import { serve } from 'parquedb/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { otel } from './otel-plugin.ts'

const NS = 1_000_000n
const T0 = BigInt(Date.UTC(2024, 4, 1, 10)) * NS
const TRACE_HEX = '5b8efff798038103d269b633813fc60c'
const TRACE_BASE64 = 'W47/95gDgQPSabYzgT/GDA=='
const SPAN_HEX = 'eee19b7ec3c1b174'
const SPAN_BASE64 = '7uGbfsPBsXQ='

const db = DB({}, { storage: { type: 'memory' }, plugins: [otel({ maxBodyBytes: 64 * 1024 }), aiSdk()] })
let url = ''
let close = async () => {}

beforeAll(async () => {
  const server = await serve(db, { port: 0 })
  url = server.url
  close = async () => {
    await server.close()
    await db.close()
  }
})
afterAll(() => close())

const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
  const response = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body) })
  return { status: response.status, body: (await response.json()) as any }
}

const span = (fields: Record<string, unknown>) => ({ traceId: TRACE_HEX, spanId: SPAN_HEX, name: 'op', kind: 1, startTimeUnixNano: String(T0), endTimeUnixNano: String(T0 + 5n * NS), ...fields })
const traces = (service: string, spans: unknown[]) => ({
  resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] }, scopeSpans: [{ scope: { name: 'hand', version: '1' }, spans }] }],
})

describe('the OTLP/HTTP receiver over loopback', () => {
  it('takes what a real OTLPTraceExporter posts, at the root /v1/traces and at /plugins/otel/v1/traces', async () => {
    for (const [service, path] of [['root-exporter', '/v1/traces'], ['plugin-exporter', '/plugins/otel/v1/traces']] as const) {
      const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': service }), spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${url}${path}` }))] })
      const tracer = provider.getTracer('exporter-test')
      const parent = tracer.startSpan('GET /orders', { kind: SpanKind.SERVER, attributes: { 'http.status_code': 500, ratio: 0.5, ok: false, ids: [1, 2] } })
      parent.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' })
      parent.end()
      tracer.startSpan('chat gpt-4o', { kind: SpanKind.CLIENT, attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 11, 'gen_ai.usage.output_tokens': 4 } }).end()
      await provider.forceFlush()
      await provider.shutdown()
      const rows = await db.Spans.find({ serviceName: service }, { sort: { name: 1 } })
      expect(rows.map((row) => row.name)).toEqual(['GET /orders', 'chat gpt-4o'])
      expect(rows[0]).toMatchObject({ kind: 'server', statusCode: 'error', statusMessage: 'boom', scopeName: 'exporter-test', attributes: { 'http.status_code': 500, ratio: 0.5, ok: false, ids: [1, 2] } })
      expect(rows[0]?.durationMs).toBeGreaterThanOrEqual(0)
    }
    expect(await db.AIRequests.find({ modelId: 'gpt-4o' })).toEqual([
      expect.objectContaining({ providerId: 'openai', inputTokens: 11, outputTokens: 4, tokens: 15, source: 'otel' }),
      expect.objectContaining({ providerId: 'openai', inputTokens: 11, outputTokens: 4, tokens: 15, source: 'otel' }),
    ])
  })

  it('reads hex and base64 ids, string, number and {low, high} nanos, enum names, and gzip bodies', async () => {
    const body = traces('ids', [
      span({ name: 'hex', parentSpanId: '' }),
      span({ name: 'base64', traceId: TRACE_BASE64, spanId: SPAN_BASE64, parentSpanId: SPAN_BASE64, kind: 'SPAN_KIND_CONSUMER', status: { code: 'STATUS_CODE_OK' } }),
      span({ name: 'numbers', traceId: TRACE_HEX.toUpperCase(), startTimeUnixNano: Number(T0), endTimeUnixNano: Number(T0) + 2_500_000 }),
      span({ name: 'longbits', startTimeUnixNano: { low: Number(T0 & 0xffffffffn), high: Number(T0 >> 32n) }, endTimeUnixNano: String(T0 + 1n) }),
    ])
    expect(await post('/v1/traces', gzipSync(JSON.stringify(body)), { 'content-encoding': 'gzip' })).toEqual({ status: 200, body: {} })
    const rows = await db.Spans.find({ serviceName: 'ids' }, { sort: { name: 1 } })
    expect(rows.map((row) => [row.name, row.traceId, row.spanId, row.parentSpanId, row.kind, row.statusCode, row.durationMs])).toEqual([
      ['base64', TRACE_HEX, SPAN_HEX, SPAN_HEX, 'consumer', 'ok', 5],
      ['hex', TRACE_HEX, SPAN_HEX, null, 'internal', 'unset', 5],
      ['longbits', TRACE_HEX, SPAN_HEX, null, 'internal', 'unset', 0.000001],
      ['numbers', TRACE_HEX, SPAN_HEX, null, 'internal', 'unset', expect.closeTo(2.5, 3)],
    ])
    expect(rows.every((row) => row.startTimeUnixNano === T0 && (row.startTime as Date).getTime() === Number(T0 / NS))).toBe(true)
    expect(rows[0]).toMatchObject({ scopeName: 'hand', scopeVersion: '1', resource: { 'service.name': 'ids' } })
  })

  it('answers 200 with partialSuccess and the rejected count when some spans cannot be stored', async () => {
    const answer = await post('/v1/traces', traces('partial', [
      span({ name: 'good' }),
      span({ traceId: 'xyz' }),
      span({ spanId: '0000000000000000' }),
      span({ startTimeUnixNano: 'soon' }),
      span({ endTimeUnixNano: String(T0 - 1n) }),
      span({ kind: 9 }),
      'not a span',
    ]))
    expect(answer.status).toBe(200)
    expect(answer.body.partialSuccess.rejectedSpans).toBe(6)
    expect(answer.body.partialSuccess.errorMessage).toMatch(/resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[1\]: traceId "xyz"/)
    expect((await db.Spans.find({ serviceName: 'partial' })).map((row) => row.name)).toEqual(['good'])
  })

  it('answers 400 to malformed requests and 415 to protobuf, and 413 over the body limit', async () => {
    expect(await post('/v1/traces', '{"resourceSpans": [')).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION', message: expect.stringMatching(/not JSON/) } } })
    expect(await post('/v1/traces', [])).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION' } } })
    expect(await post('/v1/traces', { resourceSpans: { spans: [] } })).toMatchObject({ status: 400, body: { error: { message: expect.stringMatching(/resourceSpans must be a list/) } } })
    expect(await post('/v1/traces', { resourceSpans: [{ scopeSpans: [{ spans: 'x' }] }] })).toMatchObject({ status: 400, body: { error: { details: { path: 'resourceSpans[0].scopeSpans[0].spans' } } } })
    expect(await post('/v1/logs', { resourceLogs: [7] })).toMatchObject({ status: 400 })
    expect((await post('/v1/traces', new Uint8Array([1, 2]), { 'content-type': 'application/x-protobuf' })).status).toBe(415)
    expect((await post('/v1/traces', traces('big', [span({ name: 'x'.repeat(70 * 1024) })]))).status).toBe(413)
    expect(await post('/v1/traces', {})).toEqual({ status: 200, body: {} })
  })

  it('stores log records in OtelLogs, with partialSuccess for the ones it cannot', async () => {
    const answer = await post('/plugins/otel/v1/logs', {
      resourceLogs: [{
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'logs' } }] },
        scopeLogs: [{
          scope: { name: 'logger' },
          logRecords: [
            { timeUnixNano: String(T0), severityNumber: 17, severityText: 'ERROR', body: { stringValue: 'payment failed' }, traceId: TRACE_BASE64, spanId: SPAN_HEX, attributes: [{ key: 'attempt', value: { intValue: '3' } }] },
            { observedTimeUnixNano: Number(T0 + 1000n * NS), severityNumber: 'SEVERITY_NUMBER_WARN2', body: { kvlistValue: { values: [{ key: 'user', value: { stringValue: 'u1' } }, { key: 'big', value: { intValue: '9007199254740993' } }] } }, traceId: '', eventName: 'login' },
            { timeUnixNano: String(T0), traceId: 'not-an-id' },
            { timeUnixNano: 'yesterday' },
          ],
        }],
      }],
    })
    expect(answer).toMatchObject({ status: 200, body: { partialSuccess: { rejectedLogRecords: 2 } } })
    expect(await post('/v1/logs', { resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: String(T0 + 2000n * NS), body: { stringValue: 'root path' } }] }] }] })).toEqual({ status: 200, body: {} })
    const rows = await db.OtelLogs.find({}, { sort: { timestamp: 1 } })
    expect(rows).toEqual([
      expect.objectContaining({ timestamp: new Date(Number(T0 / NS)), severityNumber: 17, severity: 'ERROR', body: 'payment failed', traceId: TRACE_HEX, spanId: SPAN_HEX, serviceName: 'logs', scopeName: 'logger', attributes: { attempt: 3 } }),
      expect.objectContaining({ timestamp: new Date(Number(T0 / NS) + 1000), severityNumber: 14, severity: 'WARN', body: { user: 'u1', big: '9007199254740993' }, traceId: null, eventName: 'login' }),
      expect.objectContaining({ body: 'root path', serviceName: 'unknown_service', severity: null }),
    ])
  })
})
