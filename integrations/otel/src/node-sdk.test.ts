import { SpanStatusCode, trace } from '@opentelemetry/api'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { NodeSDK } from '@opentelemetry/sdk-node'
import { DB } from 'parquedb'
import { afterEach, describe, expect, it } from 'vitest'
import { otel } from './otel-plugin.ts'
import { ParqueDBSpanExporter } from './parquedb-span-exporter.ts'

const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close()
})

describe('ParqueDBSpanExporter under the NodeSDK', () => {
  it('stores what an app traced, GenAI calls in AIRequests too, once the SDK shuts down', async () => {
    const db = DB({}, { storage: { type: 'memory' }, plugins: [otel()] })
    closers.push(() => db.close())
    const sdk = new NodeSDK({
      resource: resourceFromAttributes({ 'service.name': 'checkout-api' }),
      traceExporter: new ParqueDBSpanExporter(db),
      instrumentations: [],
    })
    sdk.start()
    const tracer = trace.getTracer('checkout')
    await tracer.startActiveSpan('POST /checkout', async (request) => {
      const payment = tracer.startSpan('charge card')
      payment.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined' })
      payment.end()
      const model = tracer.startSpan('chat gpt-4o-mini', { attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.input_tokens': 120, 'gen_ai.usage.output_tokens': 30 } })
      model.end()
      request.end()
    })
    // Shutting down flushes the batch processor the SDK put in front of the exporter.
    await sdk.shutdown()

    const spans = await db.Spans.find({}, { sort: { name: 1 } })
    expect(spans.map((span) => [span.name, span.serviceName, span.statusCode])).toEqual([
      ['POST /checkout', 'checkout-api', 'unset'],
      ['charge card', 'checkout-api', 'error'],
      ['chat gpt-4o-mini', 'checkout-api', 'unset'],
    ])
    const root = spans.find((span) => span.name === 'POST /checkout')!
    expect(spans.filter((span) => span.name !== 'POST /checkout').every((span) => span.parentSpanId === root.spanId && span.traceId === root.traceId)).toBe(true)
    expect((await db.AIRequests.find({})).map((row) => [row.modelId, row.providerId, row.inputTokens, row.outputTokens, row.source])).toEqual([['gpt-4o-mini', 'openai', 120, 30, 'otel']])
    expect((await db.SpanErrorRate.find({ name: 'charge card' })).map((row) => row.errorRate)).toEqual([1])
  })
})
