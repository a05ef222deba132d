import { Database, memoryStorage } from '@parquedb/mv-core'
import { generateTailEvents, tailEventsDefinition } from '@parquedb/mv-core/testing'
import { describe, expect, it } from 'vitest'
import { TailEvents, tailViews } from './tail.ts'

describe('the tail pack', () => {
  it('declares every field of the shared generator with the same field string', () => {
    for (const [field, fieldString] of Object.entries(tailEventsDefinition)) expect([field, (TailEvents as Record<string, string>)[field]]).toEqual([field, fieldString])
  })

  it('takes generated events as they are, and its views agree with the raw rows', async () => {
    const db = await Database.open({ storage: memoryStorage(), schema: { TailEvents, ...tailViews } })
    const rows = generateTailEvents({ count: 1500, seed: 3 })
    await db.collection('TailEvents').bulkCreate(rows)
    const fetches = rows.filter((row) => row.event !== null && 'request' in row.event)
    expect(await db.view('WorkerRequests').count()).toBe(fetches.length)
    expect(await db.view('WorkerErrors').count()).toBe(rows.filter((row) => row.outcome !== 'ok' || row.exceptions.length > 0).length)
    expect(await db.view('WorkerLogs').count({ scriptName: 'webhooks' })).toBe(rows.filter((row) => row.scriptName === 'webhooks').reduce((sum, row) => sum + row.logs.length, 0))
    const metrics = await db.view('EndpointMetrics').find({})
    expect(metrics.reduce((sum, row) => sum + (row.requestCount as number), 0)).toBe(fetches.length)
    expect(metrics.reduce((sum, row) => sum + (row.errorCount as number), 0)).toBe(fetches.filter((row) => row.outcome !== 'ok').length)
    await db.close()
  })
})
