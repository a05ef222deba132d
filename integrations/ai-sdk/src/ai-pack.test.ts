import { APICallError, generateObject, generateText, wrapLanguageModel } from 'ai'
import { MockLanguageModelV3 } from 'ai/test'
import { DB } from 'parquedb'
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { aiSdk, AIRequests, createParqueDBMiddleware, Generations } from './index.ts'
import { generatingModel, MODEL_ID, PROVIDER_ID } from './test-models.ts'

const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of closers.splice(0)) await close()
})

describe('the AI pack over recorded calls', () => {
  it('DailyAIUsage, AIErrors and GeneratedObjects show what the middleware recorded', async () => {
    const db = DB({}, { storage: { type: 'memory' }, plugins: [aiSdk()] })
    closers.push(() => db.close())
    const middleware = createParqueDBMiddleware({ db })
    const wrap = (model: MockLanguageModelV3) => wrapLanguageModel({ model, middleware })

    const latencies = [10, 20, 30, 40, 200]
    for (const [index, delayMs] of latencies.entries()) {
      await generateText({ model: wrap(generatingModel('ok', { input: 100, output: 10, cacheRead: index < 2 ? 80 : 0 }, { delayMs })), prompt: 'x' })
    }
    const failure = new APICallError({ message: 'overloaded', url: 'https://api.test', requestBodyValues: {}, statusCode: 529, isRetryable: false })
    const failing = new MockLanguageModelV3({ provider: PROVIDER_ID, modelId: MODEL_ID, doGenerate: async () => Promise.reject(failure) })
    await expect(generateText({ model: wrap(failing), prompt: 'x', maxRetries: 0 })).rejects.toBe(failure)
    const schema = z.object({ city: z.string() })
    await generateObject({ model: wrap(generatingModel('{"city":"Lisbon"}', { input: 20, output: 5 }, { modelId: 'claude-haiku-4-5' })), schema, prompt: 'x' })
    await middleware.flush()

    const requests = await db.AIRequests.find({})
    expect(requests).toHaveLength(7)
    const day = requests[0]?.timestamp.toISOString().slice(0, 10)
    const usage = await db.DailyAIUsage.find({ modelId: MODEL_ID })
    expect(usage).toHaveLength(1)
    const [row] = usage
    const expectedCost = requests.filter((request) => request.modelId === MODEL_ID).reduce((sum, request) => sum + (request.costUsd ?? 0), 0)
    expect(row).toMatchObject({ modelId: MODEL_ID, providerId: PROVIDER_ID, date: day, requestCount: 6, totalTokens: 550, inputTokens: 500, outputTokens: 50, errorCount: 1 })
    expect(row?.costUsd as number).toBeCloseTo(expectedCost, 12)
    expect(row?.cacheHitRate as number).toBeCloseTo(2 / 6, 9)
    const recordedLatencies = requests.filter((request) => request.modelId === MODEL_ID).map((request) => request.latencyMs)
    expect(row?.avgLatency as number).toBeCloseTo(recordedLatencies.reduce((a, b) => a + b, 0) / 6, 9)
    // p95 as DuckDB's quantile_cont (linear interpolation), estimated by a sketch within 1%.
    const sorted = recordedLatencies.toSorted((a, b) => a - b)
    const rank = 0.95 * (sorted.length - 1)
    const below = sorted[Math.floor(rank)] as number
    const p95 = below + (rank - Math.floor(rank)) * ((sorted[Math.ceil(rank)] as number) - below)
    expect(Math.abs((row?.p95Latency as number) - p95)).toBeLessThanOrEqual(p95 * 0.015)
    expect(usage.meta).toMatchObject({ stale: false })

    const errors = await db.AIErrors.find({})
    expect(errors.map((error) => [error.modelId, error.error])).toEqual([[MODEL_ID, { name: 'AI_APICallError', message: 'overloaded' }]])
    const objects = await db.GeneratedObjects.find({})
    expect(objects.map((object) => [object.modelId, object.content])).toEqual([['claude-haiku-4-5', { city: 'Lisbon' }]])
    expect((await db.DailyAIUsage.find({ modelId: 'claude-haiku-4-5' }))[0]).toMatchObject({ requestCount: 1, totalTokens: 25, errorCount: 0 })
  })

  it('works as the seeds write it: the collections imported into a schema with a view of its own', async () => {
    const db = DB(
      {
        AIRequests,
        Generations,
        DailyUsage: { $from: 'AIRequests', $groupBy: [{ date: '$timestamp' }, 'modelId'], $compute: { count: { $count: '*' }, tokens: { $sum: 'tokens' } } },
      },
      { storage: { type: 'memory' } },
    )
    closers.push(() => db.close())
    const middleware = createParqueDBMiddleware({ db })
    const model = wrapLanguageModel({ model: generatingModel('Hello!', { input: 3, output: 2 }), middleware })
    const result = await generateText({ model, prompt: 'Hello!' })
    expect(result.text).toBe('Hello!')
    await middleware.flush()
    const today = new Date().toISOString().slice(0, 10)
    expect(await db.DailyUsage.find({ date: today })).toMatchObject([{ modelId: MODEL_ID, count: 1, tokens: 5 }])
    expect(await db.Generations.find({ contentType: 'text' })).toMatchObject([{ content: 'Hello!' }])
  })
})
