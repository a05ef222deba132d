import { describe, expect, it } from 'vitest'
import { Database } from '../database.ts'
import { memoryStorage } from '../storage/memory.ts'
import { generateTailEvents, tailEventsDefinition } from '../testing/tail-events.ts'

const perScript = { $from: 'TailEvents', $groupBy: ['scriptName'], $compute: { requests: { $count: '*' } } }
const schema = {
  TailEvents: tailEventsDefinition,
  Live: perScript,
  Manual: { ...perScript, $refresh: { mode: 'manual' } },
  Graced: { ...perScript, $refresh: { mode: 'manual', gracePeriod: '40ms' } },
}
const total = (rows: readonly Record<string, unknown>[]) => rows.reduce((sum, row) => sum + (row.requests as number), 0)

describe('freshness on every view answer', () => {
  it('is the non-enumerable meta of the rows: a streaming view answers fresh', async () => {
    const db = await Database.open({ storage: memoryStorage(), schema })
    await db.collection('TailEvents').bulkCreate(generateTailEvents({ count: 50, seed: 1 }))
    await db.flush()
    await db.collection('TailEvents').bulkCreate(generateTailEvents({ count: 10, seed: 2 })) // acknowledged, not committed
    const rows = await db.views.Live!.find()
    expect(total(rows)).toBe(60)
    expect(rows.meta).toEqual({ servedFrom: 'view', view: 'Live', asOf: { TailEvents: await db.collection('TailEvents').version() }, lagVersions: 0, lagMs: 0, stale: false })
    expect(Object.keys(rows)).not.toContain('meta')
    expect(JSON.parse(JSON.stringify(rows))).toHaveLength(rows.length)
    await db.close()
  })

  it('a stale view within its grace period (or without one) answers from its data and says how far behind it is', async () => {
    const db = await Database.open({ storage: memoryStorage(), schema })
    const tail = db.collection('TailEvents')
    await tail.bulkCreate(generateTailEvents({ count: 50, seed: 1 }))
    await db.refreshView('Manual')
    const refreshedAt = await tail.version()
    expect((await db.views.Manual!.find()).meta).toMatchObject({ servedFrom: 'view', stale: false, lagVersions: 0, asOf: { TailEvents: refreshedAt } })
    await tail.bulkCreate(generateTailEvents({ count: 20, seed: 2 }))
    await db.flush()
    await new Promise((resolve) => setTimeout(resolve, 5))
    const rows = await db.views.Manual!.find()
    expect(total(rows)).toBe(50)
    expect(rows.meta).toMatchObject({ servedFrom: 'view', stale: true, lagVersions: (await tail.version()) - refreshedAt, asOf: { TailEvents: refreshedAt } })
    expect(rows.meta.lagMs).toBeGreaterThanOrEqual(5)
    await db.close()
  })

  it('beyond the grace period the answer is computed from the source, with the same filters and options', async () => {
    const db = await Database.open({ storage: memoryStorage(), schema })
    const tail = db.collection('TailEvents')
    await tail.bulkCreate(generateTailEvents({ count: 50, seed: 1 }))
    await db.refreshView('Graced')
    await tail.bulkCreate(generateTailEvents({ count: 30, seed: 3 }))
    expect((await db.views.Graced!.find()).meta).toMatchObject({ servedFrom: 'view', stale: true }) // within 40 ms
    await new Promise((resolve) => setTimeout(resolve, 60))
    const all = await db.views.Graced!.find()
    expect(all.meta).toMatchObject({ servedFrom: 'source', stale: false, lagVersions: 0 })
    expect(total(all)).toBe(80)
    expect(all[0]).not.toHaveProperty('_state')
    const top = await db.views.Graced!.find({ requests: { $gte: 1 } }, { sort: { requests: -1 }, limit: 2, project: ['requests'] })
    expect(top).toHaveLength(2)
    expect(top.map((row) => Object.keys(row).sort())).toEqual([['$id', 'requests'], ['$id', 'requests']])
    expect(top[0]!.requests as number).toBeGreaterThanOrEqual(top[1]!.requests as number)
    // The view's own data is untouched until it is refreshed.
    await db.refreshView('Graced')
    const refreshed = await db.views.Graced!.find()
    expect(refreshed.meta).toMatchObject({ servedFrom: 'view', stale: false })
    expect(total(refreshed)).toBe(80)
    await db.close()
  })
})
