import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { generateText, wrapLanguageModel } from 'ai'
import { MockLanguageModelV3 } from 'ai/test'
import { DB } from 'parquedb'
import { AIRequests, createParqueDBMiddleware, Generations } from 'parquedb/ai-sdk'
import { EvalRuns, EvalScores } from 'parquedb/evalite'
import { createStreamAdapter } from 'parquedb'
import { TailEvents, WorkerErrors, WorkerLogs, WorkerRequests } from 'parquedb/tail'
import { EventEmitter } from 'node:events'
import { generateTailEvents } from '@parquedb/mv-core/testing'

/**
 * The seeds' "Inline in DB(schema, config)" and AI SDK examples, as written (imports from
 * `parquedb/<integration>`, fs storage), with a mock model standing in for OpenAI.
 */

const dir = mkdtempSync(join(tmpdir(), 'parquedb-seed-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('the seeds, as written', () => {
  it('one DB with collections, imported stream collections and every kind of view', async () => {
    const db = DB({
      Customer: { name: 'string!', email: 'string!', tier: 'string?' },
      Order: { total: 'decimal(10,2)!', status: 'string!', customer: '-> Customer', items: '<- OrderItem[]' },
      OrderItem: { quantity: 'int!', price: 'decimal(10,2)!', product: '-> Product' },
      Product: { name: 'string!', sku: 'string!', price: 'decimal(10,2)!' },
      Generations,
      AIRequests,
      TailEvents,
      EvalRuns,
      EvalScores,
      OrderAnalytics: { $from: 'Order', $expand: ['customer', 'items.product'], $flatten: { customer: 'buyer' } },
      DailySales: {
        $from: 'Order',
        $groupBy: [{ date: '$createdAt' }, 'status'],
        $compute: { orderCount: { $count: '*' }, revenue: { $sum: 'total' }, avgOrder: { $avg: 'total' } },
        $refresh: { mode: 'scheduled', schedule: '0 * * * *' },
      },
      DailyAIUsage: {
        $from: 'AIRequests',
        $groupBy: [{ date: '$timestamp' }, 'modelId'],
        $compute: { requestCount: { $count: '*' }, totalTokens: { $sum: 'tokens' }, avgLatency: { $avg: 'latencyMs' }, errorCount: { $sum: { $cond: [{ $exists: '$error' }, 1, 0] } } },
      },
      WorkerErrors: { $from: 'TailEvents', $filter: { outcome: { $ne: 'ok' } } },
      EndpointMetrics: {
        $from: 'TailEvents',
        $filter: { 'event.request': { $exists: true } },
        $groupBy: ['scriptName', 'event.request.method', { path: '$event.request.url' }],
        $compute: { requestCount: { $count: '*' }, avgLatency: { $avg: 'duration' }, errorRate: { $avg: { $cond: [{ $ne: ['$outcome', 'ok'] }, 1, 0] } } },
      },
    }, {
      storage: { type: 'fs', path: join(dir, 'data') },
    })
    try {
      const customer = await db.Customer.create({ name: 'Ada', email: 'ada@x', tier: 'premium' })
      await db.Order.create({ total: 20, status: 'completed', customer: customer.$id })
      const events = generateTailEvents({ count: 200, seed: 3 })
      await db.TailEvents.bulkCreate(events)

      const orders = await db.Order.find({ status: 'completed' })
      const analytics = await db.OrderAnalytics.find({ buyer_tier: 'premium' })
      const errors = await db.WorkerErrors.find({ scriptName: events[0]!.scriptName })
      const endpoints = await db.EndpointMetrics.find({})
      expect(orders).toHaveLength(1)
      expect(analytics.map((row) => row.buyer_name)).toEqual(['Ada'])
      expect(errors.length).toBe(events.filter((event) => event.outcome !== 'ok' && event.scriptName === events[0]!.scriptName).length)
      expect(endpoints.reduce((sum, row) => sum + (row.requestCount as number), 0)).toBe(events.filter((event) => (event.event as { request?: unknown } | null)?.request !== undefined).length)
      await db.refreshView('DailySales')
      expect((await db.DailySales.find({})).map((row) => [row.status, row.orderCount])).toEqual([['completed', 1]])
    } finally {
      await db.close()
    }
  })

  it('the local processing loop: a node adapter feeding the tail pack through createStreamProcessor', async () => {
    const db = DB({ TailEvents, WorkerLogs, WorkerErrors, WorkerRequests }, { storage: { type: 'fs', path: join(dir, 'local') } })
    try {
      const myEventEmitter = new EventEmitter()
      const nodeAdapter = createStreamAdapter({ type: 'node', emitter: myEventEmitter, event: 'data' })
      const processor = db.createStreamProcessor({ views: [WorkerLogs, WorkerErrors, WorkerRequests], adapter: nodeAdapter, batchSize: 100, flushIntervalMs: 5000 })
      await processor.start()
      const events = generateTailEvents({ count: 250, seed: 9 })
      for (const event of events) myEventEmitter.emit('data', event)
      await processor.stop()
      expect(await db.TailEvents.count()).toBe(events.length)
      expect(await db.WorkerLogs.count()).toBe(events.reduce((sum, event) => sum + event.logs.length, 0))
      expect(await db.WorkerErrors.count()).toBe(events.filter((event) => event.outcome !== 'ok' || event.exceptions.length > 0).length)
    } finally {
      await db.close()
    }
  })

  it('the AI SDK example: the middleware writes AIRequests and Generations, the view sums them', async () => {
    const db = DB({
      AIRequests,
      Generations,
      DailyUsage: {
        $from: 'AIRequests',
        $groupBy: [{ date: '$timestamp' }, 'modelId'],
        $compute: { count: { $count: '*' }, tokens: { $sum: 'tokens' } },
      },
    }, {
      storage: { type: 'fs', path: join(dir, 'ai') },
    })
    try {
      const middleware = createParqueDBMiddleware({ db })
      const openaiStandIn = new MockLanguageModelV3({
        modelId: 'gpt-4',
        doGenerate: async () => ({
          content: [{ type: 'text', text: 'Hello back!' }],
          finishReason: { unified: 'stop', raw: 'stop' },
          usage: { inputTokens: { total: 5, noCache: 5, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 3, text: 3, reasoning: 0 } },
          warnings: [],
        }),
      })
      const model = wrapLanguageModel({ model: openaiStandIn, middleware })
      const result = await generateText({ model, prompt: 'Hello!' })
      expect(result.text).toBe('Hello back!')
      await middleware.flush()
      const usage = await db.DailyUsage.find({ date: new Date().toISOString().slice(0, 10) })
      expect(usage.map((row) => [row.modelId, row.count, row.tokens])).toEqual([['gpt-4', 1, 8]])
      expect(await db.Generations.count()).toBe(1)
    } finally {
      await db.close()
    }
  })
})
