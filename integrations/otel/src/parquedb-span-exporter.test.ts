import { context, SpanKind, SpanStatusCode, trace, type Attributes, type HrTime } from '@opentelemetry/api'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { BasicTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base'
import { aiSdk, costOf } from '@parquedb/ai-sdk'
import { DB } from 'parquedb'
import { afterEach, describe, expect, it } from 'vitest'
import { otel } from './otel-plugin.ts'
import { ParqueDBSpanExporter } from './parquedb-span-exporter.ts'

const HOUR = Date.UTC(2024, 4, 1, 10)
const at = (ms: number): HrTime => [Math.floor(ms / 1000), (ms % 1000) * 1e6]

const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close()
})

function setup(plugins: 'otel' | 'otel+ai' = 'otel+ai') {
  const db = DB({}, { storage: { type: 'memory' }, plugins: plugins === 'otel' ? [otel()] : [otel(), aiSdk()] })
  // The exporter fits the SDK's own SpanExporter interface.
  const exporter: SpanExporter = new ParqueDBSpanExporter(db)
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'checkout' }), spanProcessors: [new SimpleSpanProcessor(exporter)] })
  closers.push(() => db.close(), () => provider.shutdown())
  const tracer = provider.getTracer('test-scope', '1.2.3')
  /** One finished span from `start` lasting `ms`, under `parent` when given. */
  const span = (name: string, start: number, ms: number, options: { attributes?: Attributes; kind?: SpanKind; error?: string; parent?: ReturnType<typeof tracer.startSpan> } = {}) => {
    const parentContext = options.parent ? trace.setSpan(context.active(), options.parent) : context.active()
    const started = tracer.startSpan(name, { startTime: at(start), ...(options.attributes ? { attributes: options.attributes } : {}), kind: options.kind ?? SpanKind.INTERNAL }, parentContext)
    if (options.error !== undefined) {
      started.recordException(Object.assign(new Error(options.error), { name: 'RateLimitError' }), at(start + ms / 2))
      started.setStatus({ code: SpanStatusCode.ERROR, message: options.error })
    }
    started.end(at(start + ms))
    return started
  }
  return { db, provider, span, exporter }
}

describe('ParqueDBSpanExporter with a real tracer provider', () => {
  it('writes every span to Spans: ids, parent, kind, service, scope, times, attributes, status and events', async () => {
    const { db, provider, span } = setup()
    const root = span('GET /cart', HOUR, 120, { kind: SpanKind.SERVER, attributes: { 'http.route': '/cart', 'http.status_code': 200, tags: ['a', 'b'] } })
    span('SELECT cart', HOUR + 10, 35.5, { kind: SpanKind.CLIENT, parent: root, attributes: { 'db.system': 'postgresql' } })
    span('charge card', HOUR + 50, 60, { parent: root, error: 'card declined' })
    await provider.forceFlush()

    const rows = await db.Spans.find({}, { sort: { startTime: 1 } })
    expect(rows).toHaveLength(3)
    const [get, select, charge] = rows
    if (get === undefined || select === undefined || charge === undefined) throw new Error('expected three spans')
    expect(get).toMatchObject({ name: 'GET /cart', kind: 'server', serviceName: 'checkout', parentSpanId: null, statusCode: 'unset', scopeName: 'test-scope', scopeVersion: '1.2.3', durationMs: 120 })
    expect(get.traceId).toMatch(/^[0-9a-f]{32}$/)
    expect(get.spanId).toMatch(/^[0-9a-f]{16}$/)
    expect(get.startTime).toEqual(new Date(HOUR))
    expect(get.endTime).toEqual(new Date(HOUR + 120))
    expect(get.startTimeUnixNano).toBe(BigInt(HOUR) * 1_000_000n)
    expect(get.attributes).toEqual({ 'http.route': '/cart', 'http.status_code': 200, tags: ['a', 'b'] })
    expect(get.resource).toMatchObject({ 'service.name': 'checkout' })
    expect(select).toMatchObject({ kind: 'client', traceId: get.traceId, parentSpanId: get.spanId, durationMs: 35.5 })
    expect(charge).toMatchObject({ statusCode: 'error', statusMessage: 'card declined', parentSpanId: get.spanId })
    expect(charge.events).toEqual([{ name: 'exception', time: new Date(HOUR + 80).toISOString(), attributes: expect.objectContaining({ 'exception.type': 'RateLimitError', 'exception.message': 'card declined' }) }])
    expect(await db.ErrorSpans.find()).toEqual([expect.objectContaining({ spanId: charge.spanId })])
  })

  it('turns GenAI spans of the AI SDK, gen_ai.* and OpenInference conventions into AIRequests rows, counted in DailyAIUsage', async () => {
    const { db, provider, span } = setup()
    // The AI SDK: the outer span sums its steps; only the provider call (doGenerate / doStream) is a request.
    const outer = span('ai.generateText', HOUR, 900, { attributes: { 'ai.operationId': 'ai.generateText', 'ai.model.id': 'gpt-4o-mini', 'ai.model.provider': 'openai.chat', 'ai.usage.inputTokens': 1000, 'ai.usage.outputTokens': 200 } })
    span('ai.generateText.doGenerate', HOUR + 5, 850.4, {
      parent: outer,
      attributes: {
        'ai.operationId': 'ai.generateText.doGenerate', 'ai.model.id': 'gpt-4o-mini', 'ai.model.provider': 'openai.chat',
        'ai.usage.inputTokens': 1000, 'ai.usage.outputTokens': 200, 'ai.usage.totalTokens': 1200, 'ai.usage.inputTokenDetails.cacheReadTokens': 400,
        'ai.response.finishReason': 'stop', 'ai.response.id': 'chatcmpl-1', 'gen_ai.system': 'openai.chat', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.input_tokens': 1000,
      },
    })
    span('ai.streamText.doStream', HOUR + 1000, 300, { attributes: { 'ai.operationId': 'ai.streamText.doStream', 'ai.model.id': 'gpt-4o-mini', 'ai.model.provider': 'openai.chat', 'ai.usage.inputTokens': 10, 'ai.usage.outputTokens': 5, 'ai.response.msToFirstChunk': 120.6 } })
    // OpenTelemetry GenAI semantic conventions; agent and tool spans are not model calls.
    span('chat claude-3-5-sonnet', HOUR + 2000, 1500, { kind: SpanKind.CLIENT, attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'anthropic', 'gen_ai.request.model': 'claude-3-5-sonnet', 'gen_ai.response.model': 'claude-3-5-sonnet-20241022', 'gen_ai.usage.input_tokens': 300, 'gen_ai.usage.output_tokens': 50, 'gen_ai.response.finish_reasons': ['end_turn'] } })
    span('embeddings text-embedding-3-small', HOUR + 3000, 80, { attributes: { 'gen_ai.operation.name': 'embeddings', 'gen_ai.system': 'openai', 'gen_ai.request.model': 'text-embedding-3-small', 'gen_ai.usage.input_tokens': 64 } })
    span('chat gpt-4o', HOUR + 4000, 2000, { attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-4o', 'error.type': 'RateLimitError' }, error: 'rate limited' })
    span('invoke_agent planner', HOUR + 5000, 5000, { attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 9999 } })
    span('execute_tool search', HOUR + 5100, 100, { attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search' } })
    // OpenInference (Arize Phoenix and friends).
    span('ChatCompletion', HOUR + 6000, 700, { attributes: { 'openinference.span.kind': 'LLM', 'llm.model_name': 'gpt-4o', 'llm.provider': 'openai', 'llm.token_count.prompt': 120, 'llm.token_count.completion': 30, 'llm.token_count.total': 150 } })
    span('retriever', HOUR + 7000, 40, { attributes: { 'openinference.span.kind': 'RETRIEVER' } })
    await provider.forceFlush()

    expect(await db.Spans.count()).toBe(10)
    const requests = await db.AIRequests.find({}, { sort: { timestamp: 1 } })
    expect(requests.map((row) => [row.modelId, row.providerId, row.requestType])).toEqual([
      ['gpt-4o-mini', 'openai.chat', 'generate'],
      ['gpt-4o-mini', 'openai.chat', 'stream'],
      ['claude-3-5-sonnet', 'anthropic', 'generate'],
      ['text-embedding-3-small', 'openai', 'embed'],
      ['gpt-4o', 'openai', 'generate'],
      ['gpt-4o', 'openai', 'generate'],
    ])
    const [generate, stream, claude, embed, failed, openInference] = requests
    expect(generate).toMatchObject({ inputTokens: 1000, outputTokens: 200, totalTokens: 1200, tokens: 1200, cacheReadTokens: 400, cached: true, latencyMs: 850, finishReason: 'stop', requestId: 'chatcmpl-1', source: 'otel', timestamp: new Date(HOUR + 5) })
    expect(generate?.costUsd).toBeCloseTo(costOf({ modelId: 'gpt-4o-mini', providerId: 'openai.chat', inputTokens: 1000, outputTokens: 200, cacheReadTokens: 400 }) as number, 12)
    expect(generate?.costUsd).toBeGreaterThan(0)
    expect(stream).toMatchObject({ tokens: 15, timeToFirstTokenMs: 121, cached: false })
    expect(claude).toMatchObject({ inputTokens: 300, outputTokens: 50, tokens: 350, finishReason: 'end_turn', latencyMs: 1500 })
    expect(embed).toMatchObject({ inputTokens: 64, outputTokens: null, tokens: 64 })
    expect(failed).toMatchObject({ error: { name: 'RateLimitError', message: 'rate limited' }, latencyMs: 2000 })
    expect(openInference).toMatchObject({ inputTokens: 120, outputTokens: 30, totalTokens: 150, latencyMs: 700 })

    const usage = await db.DailyAIUsage.find({ modelId: 'gpt-4o' })
    expect(usage).toEqual([expect.objectContaining({ providerId: 'openai', requestCount: 2, errorCount: 1, totalTokens: 150 })])
    expect(await db.AIErrors.count()).toBe(1)
  })

  it('brings the AI pack itself: with otel() alone, GenAI spans land in AIRequests and DailyAIUsage', async () => {
    const { db, provider, span } = setup('otel')
    span('chat gpt-4o', HOUR, 10, { attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.system': 'openai' } })
    await provider.forceFlush()
    expect(await db.Spans.find()).toEqual([expect.objectContaining({ name: 'chat gpt-4o', attributes: expect.objectContaining({ 'gen_ai.request.model': 'gpt-4o' }) })])
    expect((await db.AIRequests.find()).map((row) => [row.modelId, row.source])).toEqual([['gpt-4o', 'otel']])
    expect((await db.DailyAIUsage.find()).map((row) => [row.modelId, row.requestCount])).toEqual([['gpt-4o', 1]])
  })

  it('waits for exports under way on forceFlush and shutdown, and refuses exports after shutdown', async () => {
    const { db, span, exporter } = setup()
    span('late', HOUR, 5)
    await exporter.forceFlush?.()
    expect(await db.Spans.count()).toBe(1)
    await exporter.shutdown()
    const result = await new Promise<{ code: number; error?: Error }>((resolve) => exporter.export([], resolve))
    expect(result.code).toBe(1)
    expect(result.error?.message).toMatch(/after shutdown/)
  })
})
