import { generateTailEvents, type TailEventRow } from '@parquedb/mv-core/testing'
import { createStreamAdapter, DB } from 'parquedb'
import { describe, expect, it, vi } from 'vitest'
import { createTailHandler, EndpointMetrics, tail, TailEvents, toTailEvent, WorkerErrors, WorkerLogs, WorkerRequests } from './index.ts'

/** Generated rows in the shape the runtime delivers (epoch-ms timestamp, version object). */
function traceItems(count: number, seed: number) {
  return generateTailEvents({ count, seed }).map((row: TailEventRow) => ({ ...row, eventTimestamp: row.eventTimestamp.getTime(), scriptVersion: row.scriptVersion === null ? undefined : { id: row.scriptVersion } }))
}

const isError = (row: TailEventRow) => row.outcome !== 'ok' || row.exceptions.length > 0

describe('tail()', () => {
  it('loads TailEvents and the pack into DB; the views hold what the events imply', async () => {
    const db = DB({}, { storage: { type: 'memory' }, plugins: [tail()] })
    const items = traceItems(2000, 5)
    const handler = createTailHandler(db)
    for (let at = 0; at < items.length; at += 500) await handler(items.slice(at, at + 500))
    const raw = generateTailEvents({ count: 2000, seed: 5 })
    const fetches = raw.filter((row) => row.event !== null && 'request' in row.event)

    expect(await db.TailEvents.count()).toBe(2000)
    expect(await db.WorkerLogs.count()).toBe(raw.reduce((sum, row) => sum + row.logs.length, 0))
    expect(await db.WorkerLogs.count({ level: 'error' })).toBe(raw.reduce((sum, row) => sum + row.logs.filter((log) => log.level === 'error').length, 0))
    expect(await db.WorkerErrors.count()).toBe(raw.filter(isError).length)
    expect(await db.WorkerRequests.count()).toBe(fetches.length)

    const metrics = await db.EndpointMetrics.find({ scriptName: 'api-gateway', method: 'GET' })
    const gets = fetches.filter((row) => row.scriptName === 'api-gateway' && (row.event as { request: { method: string } }).request.method === 'GET')
    expect(metrics).toHaveLength(1) // 2000 events at 1000/s: all in the first hour
    const requests = metrics.reduce((sum, row) => sum + (row.requestCount as number), 0)
    const errors = metrics.reduce((sum, row) => sum + (row.errorCount as number), 0)
    expect(requests).toBe(gets.length)
    expect(errors).toBe(gets.filter((row) => row.outcome !== 'ok').length)
    const walls = gets.map((row) => row.wallTime as number).sort((a, b) => a - b)
    const exact = (q: number) => walls[Math.min(walls.length - 1, Math.ceil(q * walls.length) - 1)] as number
    for (const row of metrics) {
      expect(row.p50Latency as number).toBeLessThanOrEqual(row.p95Latency as number)
      expect(row.p95Latency as number).toBeLessThanOrEqual(row.p99Latency as number)
    }
    // Percentiles come from a sketch with 1% relative accuracy.
    expect(Math.abs((metrics[0]!.p95Latency as number) - exact(0.95)) / exact(0.95)).toBeLessThan(0.03)
    await db.close()
  })

  it('serves the collection and views à la carte, and through a stream processor', async () => {
    const db = DB({ TailEvents, WorkerLogs, WorkerErrors, WorkerRequests, EndpointMetrics }, { storage: { type: 'memory' } })
    const items = traceItems(500, 9)
    const adapter = createStreamAdapter({
      type: 'iterator',
      source: async function* () {
        for (const item of items) yield toTailEvent(item)
      },
    })
    const processor = db.createStreamProcessor({ views: [WorkerLogs, WorkerErrors, WorkerRequests], adapter, batchSize: 100, flushIntervalMs: 50 })
    await processor.start()
    await vi.waitFor(() => expect(processor.stats()?.received).toBe(500))
    await processor.stop()
    expect(processor.stats()).toMatchObject({ received: 500, written: 500, rejected: 0 })
    const raw = generateTailEvents({ count: 500, seed: 9 })
    expect(await db.WorkerErrors.count()).toBe(raw.filter(isError).length)
    expect(await db.WorkerLogs.count()).toBe(raw.reduce((sum, row) => sum + row.logs.length, 0))
    const perHour = await db.EndpointMetrics.find({})
    expect(perHour.reduce((sum, row) => sum + (row.requestCount as number), 0)).toBe(await db.WorkerRequests.count())
    await db.close()
  })
})
