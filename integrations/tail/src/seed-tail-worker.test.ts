import { generateTailEvents, type TailEventRow } from '@parquedb/mv-core/testing'
import { DB } from 'parquedb'
import { describe, expect, it } from 'vitest'
import { TailEvents } from './index.ts'

// The design seed's "Tail Worker Analytics" example, as written there (storage in memory
// instead of R2), fed with generated tail events in the last half hour.
function seedDb() {
  return DB({
    TailEvents,
    WorkerLogs: {
      $from: 'TailEvents',
      $unnest: 'logs',
      $select: { scriptName: '$scriptName', level: '$logs.level', message: '$logs.message', timestamp: '$logs.timestamp', colo: '$event.request.cf.colo' },
    },
    WorkerErrors: {
      $from: 'TailEvents',
      $filter: { $or: [{ outcome: { $ne: 'ok' } }, { 'exceptions.0': { $exists: true } }] },
      $select: {
        scriptName: '$scriptName', outcome: '$outcome', exceptionName: '$exceptions.0.name', exceptionMessage: '$exceptions.0.message',
        url: '$event.request.url', status: '$event.response.status', colo: '$event.request.cf.colo', timestamp: '$eventTimestamp',
      },
    },
    WorkerRequests: {
      $from: 'TailEvents',
      $filter: { event: { $exists: true } },
      $select: {
        scriptName: '$scriptName', method: '$event.request.method', url: '$event.request.url', status: '$event.response.status', outcome: '$outcome',
        colo: '$event.request.cf.colo', country: '$event.request.cf.country', timestamp: '$eventTimestamp',
      },
    },
    EndpointMetrics: {
      $from: 'WorkerRequests',
      $groupBy: ['scriptName', 'method', { hour: '$timestamp' }],
      $compute: {
        requestCount: { $count: '*' },
        avgLatency: { $avg: 'latency' },
        errorRate: { $avg: { $cond: [{ $ne: ['$outcome', 'ok'] }, 1, 0] } },
      },
      $refresh: { mode: 'scheduled', schedule: '0 * * * *' },
    },
  }, { storage: { type: 'memory' }, scheduler: 'external' })
}

type TailItem = TailEventRow

describe('the seed tail worker example', () => {
  it('ingests through ctx.waitUntil(db.TailEvents.bulkCreate(events)) and answers its queries', async () => {
    const db = seedDb()
    const worker = {
      async tail(events: TailItem[], _env: unknown, ctx: { waitUntil(promise: Promise<unknown>): void }) {
        ctx.waitUntil(db.TailEvents.bulkCreate(events))
      },
    }
    const start = new Date(Date.now() - 30 * 60_000)
    const events = generateTailEvents({ count: 3000, seed: 11, start, eventsPerSecond: 2 }).map((row) => (row.scriptName === 'api-gateway' ? { ...row, scriptName: 'my-api' } : row))
    const pending: Promise<unknown>[] = []
    for (let at = 0; at < events.length; at += 500) await worker.tail(events.slice(at, at + 500), {}, { waitUntil: (promise) => void pending.push(promise) })
    await Promise.all(pending)

    const errors = await db.WorkerErrors.find({ outcome: 'exception', timestamp: { $gte: new Date(Date.now() - 3600000) } })
    expect(errors.length).toBe(events.filter((event) => event.outcome === 'exception').length)
    expect(errors.length).toBeGreaterThan(0)

    // EndpointMetrics refreshes hourly and reads WorkerRequests as committed: flush the stream's
    // rows, then refresh now instead of waiting for the hour.
    await db.flush()
    await db.EndpointMetrics.refresh()
    const metrics = await db.EndpointMetrics.find({ scriptName: 'my-api', hour: { $gte: new Date('2024-01-15') } })
    const mine = events.filter((event) => event.scriptName === 'my-api')
    expect(metrics.reduce((sum, row) => sum + (row.requestCount as number), 0)).toBe(mine.length)

    const logs = await db.WorkerLogs.count()
    expect(logs).toBe(events.reduce((sum, event) => sum + event.logs.length, 0))

    const errorRate = await db.sql`
      SELECT scriptName, COUNT(*) as total,
             SUM(CASE WHEN outcome != 'ok' THEN 1 ELSE 0 END) * 100.0 / COUNT(*) as error_rate
      FROM WorkerRequests
      WHERE timestamp > NOW() - INTERVAL '1 hour'
      GROUP BY scriptName
      ORDER BY error_rate DESC
    `
    const withEvent = events.filter((event) => event.event !== null)
    expect(errorRate.reduce((sum, row) => sum + Number(row.total), 0)).toBe(withEvent.length)
    const myRow = errorRate.find((row) => row.scriptName === 'my-api')
    expect(Number(myRow?.error_rate)).toBeCloseTo((mine.filter((event) => event.outcome !== 'ok').length * 100) / mine.length, 6)
    await db.close()
  })
})
