import { APICallError, generateObject, generateText, streamText, wrapLanguageModel, type LanguageModel } from 'ai'
import { MockLanguageModelV3 } from 'ai/test'
import { DB } from 'parquedb'
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { AIRequests, Generations } from './index.ts'
import { createParqueDBMiddleware } from './parquedb-middleware.ts'
import { costOf } from './price-table.ts'
import { generatingModel, MODEL_ID, PROVIDER_ID, streamingModel, usageOf } from './test-models.ts'

const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of closers.splice(0)) await close()
})

function openDb() {
  const db = DB({ AIRequests, Generations }, { storage: { type: 'memory' } })
  closers.push(() => db.close())
  return db
}

function recorder(options: { recordPrompt?: boolean } = {}) {
  const db = openDb()
  const middleware = createParqueDBMiddleware({ db, ...options })
  const wrap = (model: MockLanguageModelV3) => wrapLanguageModel({ model, middleware })
  const recorded = async () => {
    await middleware.flush()
    return { requests: await db.AIRequests.find({}), generations: await db.Generations.find({}) }
  }
  return { db, middleware, wrap, recorded }
}

describe('createParqueDBMiddleware', () => {
  it('records generateText: tokens, cost, latency, finish reason; the result is unchanged', async () => {
    const { wrap, recorded, middleware } = recorder()
    const counts = { input: 1200, output: 300, cacheRead: 1000, reasoning: 40 }
    const plain = await generateText({ model: generatingModel('Hello there!', counts, { delayMs: 30 }), prompt: 'Hello!' })
    const wrapped = await generateText({ model: wrap(generatingModel('Hello there!', counts, { delayMs: 30 })), prompt: 'Hello!' })
    expect(wrapped.text).toBe(plain.text)
    expect(wrapped.usage).toEqual(plain.usage)
    expect(wrapped.finishReason).toBe(plain.finishReason)
    expect(wrapped.content).toEqual(plain.content)

    const { requests, generations } = await recorded()
    expect(requests).toHaveLength(1)
    const [request] = requests
    expect(request).toMatchObject({
      modelId: MODEL_ID,
      providerId: PROVIDER_ID,
      requestType: 'generate',
      inputTokens: 1200,
      outputTokens: 300,
      cacheReadTokens: 1000,
      cacheWriteTokens: 0,
      reasoningTokens: 40,
      totalTokens: 1500,
      tokens: 1500,
      finishReason: 'stop',
      cached: true,
      error: null,
      timeToFirstTokenMs: null,
      source: 'ai-sdk',
    })
    // gpt-4o-mini: 200 uncached input at $0.15/M, 1000 cache reads at $0.075/M, 300 output at $0.60/M.
    expect(request?.costUsd).toBeCloseTo((200 * 0.15 + 1000 * 0.075 + 300 * 0.6) / 1e6, 12)
    expect(request?.latencyMs).toBeGreaterThanOrEqual(25)
    expect(request?.timestamp).toBeInstanceOf(Date)
    expect(generations).toHaveLength(1)
    expect(generations[0]).toMatchObject({ modelId: MODEL_ID, contentType: 'text', content: 'Hello there!', prompt: null, tokens: 300, requestId: request?.requestId })
    expect(middleware.stats()).toMatchObject({ queued: 0, written: 2, dropped: 0 })
  })

  it('records the prompt only when asked to', async () => {
    const { wrap, recorded } = recorder({ recordPrompt: true })
    await generateText({ model: wrap(generatingModel('Hi', { input: 5, output: 1 })), system: 'Be brief.', prompt: 'Hello!' })
    const { generations } = await recorded()
    expect(generations[0]?.prompt).toBe('system: Be brief.\nuser: Hello!')
  })

  it('records a streamText consumed to the end, with time to first token; the stream is unchanged', async () => {
    const { wrap, recorded } = recorder()
    const deltas = ['The ', 'quick ', 'brown ', 'fox']
    const counts = { input: 50, output: 4 }
    const collect = async (model: LanguageModel) => {
      const result = streamText({ model, prompt: 'Tell me' })
      const parts = []
      for await (const part of result.fullStream) parts.push(part)
      return { parts, text: await result.text, usage: await result.usage }
    }
    const plain = await collect(streamingModel(deltas, counts))
    const wrapped = await collect(wrap(streamingModel(deltas, counts, { firstDelayMs: 40, chunkDelayMs: 5 })))
    expect(wrapped.text).toBe('The quick brown fox')
    expect(wrapped.usage).toEqual(plain.usage)
    expect(wrapped.parts.map((part) => part.type)).toEqual(plain.parts.map((part) => part.type))

    const { requests, generations } = await recorded()
    expect(requests[0]).toMatchObject({ requestType: 'stream', inputTokens: 50, outputTokens: 4, tokens: 54, finishReason: 'stop', cached: false, error: null })
    expect(requests[0]?.costUsd).toBeCloseTo(costOf({ modelId: MODEL_ID, inputTokens: 50, outputTokens: 4 }) as number, 12)
    const ttft = requests[0]?.timeToFirstTokenMs as number
    expect(ttft).toBeGreaterThanOrEqual(35)
    // The deltas after the first come 5 ms apart, so the call ends after the first token.
    expect(requests[0]?.latencyMs).toBeGreaterThan(ttft)
    expect(generations[0]).toMatchObject({ contentType: 'text', content: 'The quick brown fox', tokens: 4 })
  })

  it('records a stream aborted mid-way with an AbortController: finish reason abort, the partial text', async () => {
    const { wrap, recorded } = recorder()
    const deltas = Array.from({ length: 50 }, (_, index) => `w${index} `)
    const controller = new AbortController()
    const result = streamText({ model: wrap(streamingModel(deltas, { input: 10, output: 50 }, { chunkDelayMs: 10 })), prompt: 'Go', abortSignal: controller.signal })
    let seen = ''
    for await (const delta of result.textStream) {
      seen += delta
      if (seen.length >= 6) controller.abort()
    }
    const { requests, generations } = await recorded()
    expect(requests).toHaveLength(1)
    expect(requests[0]).toMatchObject({ requestType: 'stream', finishReason: 'abort', error: null, inputTokens: null, costUsd: null })
    expect(requests[0]?.timeToFirstTokenMs).not.toBeNull()
    expect(generations).toHaveLength(1)
    // What was streamed before the abort: a non-empty prefix of the full text, stopped well before its end.
    const partial = generations[0]?.content as string
    expect(partial.length).toBeGreaterThan(0)
    expect(deltas.join('').startsWith(partial)).toBe(true)
    expect(partial.length).toBeLessThan(deltas.join('').length / 2)
  })

  it('records a stream whose source fails mid-way, and one that sends an error part', async () => {
    const { wrap, recorded } = recorder()
    const failing = () =>
      new MockLanguageModelV3({
        provider: PROVIDER_ID,
        modelId: MODEL_ID,
        doStream: async () => ({
          stream: new ReadableStream({
            start(controller) {
              controller.enqueue({ type: 'text-start', id: 't' })
              controller.enqueue({ type: 'text-delta', id: 't', delta: 'partial' })
              controller.error(new Error('connection reset'))
            },
          }),
        }),
      })
    // What the caller sees: the parts before the failure, then the failure itself.
    const outcome = async (model: LanguageModel) => {
      const seen: unknown[] = []
      try {
        for await (const part of streamText({ model, prompt: 'Go', onError: () => undefined }).fullStream) seen.push(part.type === 'error' ? `error: ${String(part.error)}` : part.type)
      } catch (error) {
        seen.push(`thrown: ${String(error)}`)
      }
      return seen
    }
    expect(await outcome(wrap(failing()))).toEqual(await outcome(failing()))
    const errorsSeen: unknown[] = []

    const erroring = new MockLanguageModelV3({
      provider: PROVIDER_ID,
      modelId: MODEL_ID,
      doStream: async () => ({
        stream: new ReadableStream({
          start(controller) {
            controller.enqueue({ type: 'error', error: { name: 'RateLimit', message: 'slow down' } })
            controller.enqueue({ type: 'finish', finishReason: { unified: 'error', raw: undefined }, usage: usageOf({ input: 7, output: 0 }) })
            controller.close()
          },
        }),
      }),
    })
    const second = streamText({ model: wrap(erroring), prompt: 'Go', onError: ({ error }) => void errorsSeen.push(error) })
    await second.consumeStream()
    expect(errorsSeen).toHaveLength(1)

    const { requests, generations } = await recorded()
    const byMessage = new Map(requests.map((request) => [(request.error as { message: string }).message, request]))
    expect(byMessage.get('connection reset')).toMatchObject({ requestType: 'stream', finishReason: 'error', error: { name: 'Error', message: 'connection reset' } })
    expect(byMessage.get('slow down')).toMatchObject({ finishReason: 'error', error: { name: 'RateLimit', message: 'slow down' }, inputTokens: 7 })
    expect(generations).toHaveLength(0)
  })

  it('records generateObject as an object generation; the object is unchanged', async () => {
    const { wrap, recorded } = recorder()
    const schema = z.object({ name: z.string(), tags: z.array(z.string()) })
    const json = JSON.stringify({ name: 'Ada', tags: ['math', 'engines'] })
    const plain = await generateObject({ model: generatingModel(json, { input: 30, output: 12 }), schema, prompt: 'A person' })
    const wrapped = await generateObject({ model: wrap(generatingModel(json, { input: 30, output: 12 })), schema, prompt: 'A person' })
    expect(wrapped.object).toEqual(plain.object)
    const { requests, generations } = await recorded()
    expect(requests[0]).toMatchObject({ requestType: 'generate', tokens: 42, finishReason: 'stop' })
    expect(generations[0]).toMatchObject({ contentType: 'object', content: { name: 'Ada', tags: ['math', 'engines'] }, tokens: 12 })
  })

  it('records a failing generate call and rethrows the very error', async () => {
    const { wrap, recorded } = recorder()
    const failure = new APICallError({ message: 'Internal error', url: 'https://api.test/v1', requestBodyValues: {}, statusCode: 500, isRetryable: false })
    const model = new MockLanguageModelV3({ provider: PROVIDER_ID, modelId: MODEL_ID, doGenerate: async () => Promise.reject(failure) })
    await expect(generateText({ model: wrap(model), prompt: 'x', maxRetries: 0 })).rejects.toBe(failure)
    const { requests, generations } = await recorded()
    expect(requests[0]).toMatchObject({ requestType: 'generate', finishReason: 'error', error: { name: 'AI_APICallError', message: 'Internal error' }, tokens: null, costUsd: null })
    expect(generations).toHaveLength(0)
  })

  it('refuses a db without the collections it writes', () => {
    expect(() => createParqueDBMiddleware({ db: {} as never })).toThrow(/no AIRequests collection/)
    const onlyRequests = { AIRequests: { bulkCreate: async () => [] } }
    expect(() => createParqueDBMiddleware({ db: onlyRequests })).toThrow(/no Generations collection/)
    expect(createParqueDBMiddleware({ db: onlyRequests, recordGenerations: false }).specificationVersion).toBe('v3')
  })
})
