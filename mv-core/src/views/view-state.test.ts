import { describe, expect, it } from 'vitest'
import { Database } from '../database.ts'
import { memoryStorage } from '../storage/memory.ts'
import { failingPuts } from '../storage/failing-puts.ts'
import { generateTailEvents, tailEventsDefinition } from '../testing/tail-events.ts'
import { memoryWal } from '../wal/memory.ts'

const schema = {
  TailEvents: tailEventsDefinition,
  PerScript: { $from: 'TailEvents', $groupBy: ['scriptName'], $compute: { requests: { $count: '*' }, maxWall: { $max: 'wallTime' } } },
  Errors: { $from: 'TailEvents', $filter: { outcome: { $ne: 'ok' } }, $select: { scriptName: '$scriptName' } },
}

describe('view storage and state', () => {
  it('records definition, hash and refresh settings; lineage survives a restart and the view catches up from it', async () => {
    const storage = memoryStorage()
    const wal = memoryWal()
    let db = await Database.open({ storage, wal, schema })
    await db.collection('TailEvents').bulkCreate(generateTailEvents({ count: 120, seed: 1 }))
    await db.flush()
    const meta = JSON.parse(new TextDecoder().decode(await storage.get('_views/PerScript/_meta.json'))) as Record<string, unknown>
    expect(meta).toMatchObject({ name: 'PerScript', hash: expect.stringMatching(/^[0-9a-f]{16}$/), definition: schema.PerScript, refresh: { mode: 'streaming' } })
    const state = db.getViewState('PerScript')
    const sourceVersion = await db.collection('TailEvents').version()
    expect(state.lineage).toEqual({ sourceVersions: { TailEvents: sourceVersion }, refreshVersionId: expect.any(Number), lastRefreshTime: expect.any(Date) })
    expect(state.lineage.refreshVersionId).toBeGreaterThan(0)
    await db.collection('TailEvents').bulkCreate(generateTailEvents({ count: 30, seed: 2 }))
    await db.close()

    db = await Database.open({ storage, wal, schema })
    const reopened = db.getViewState('PerScript')
    expect(reopened.maintenance.fullRefreshes).toBe(0) // caught up from its lineage, not recomputed
    expect(reopened.lineage.sourceVersions.TailEvents).toBeGreaterThanOrEqual(sourceVersion)
    const rows = await db.views.PerScript!.find()
    expect(rows.reduce((sum, row) => sum + (row.requests as number), 0)).toBe(150)
    await db.close()
  })

  it('merges the small files source flushes leave in a view, keeping its rows and lineage', async () => {
    const storage = memoryStorage()
    const wal = memoryWal()
    let db = await Database.open({ storage, wal, schema })
    const tail = db.collection('TailEvents')
    for (let flush = 0; flush < 12; flush++) {
      await tail.bulkCreate(generateTailEvents({ count: 20, seed: 100 + flush }))
      await db.flush()
    }
    await db.views.drain()
    const table = db.views.get('PerScript').table
    expect(table.committed.files.size).toBeLessThan(8)
    expect((await db.views.PerScript!.find()).reduce((sum, row) => sum + (row.requests as number), 0)).toBe(240)
    const lineage = db.getViewState('PerScript').lineage.sourceVersions
    await db.close()
    db = await Database.open({ storage, wal, schema })
    expect(db.getViewState('PerScript')).toMatchObject({ lineage: { sourceVersions: lineage }, maintenance: { fullRefreshes: 0 } })
    expect((await db.views.PerScript!.find()).reduce((sum, row) => sum + (row.requests as number), 0)).toBe(240)
    await db.close()
  })

  it('a view whose upkeep fails turns invalid with the error; its data stays readable, the source and other views go on', async () => {
    const { storage, failing } = failingPuts(memoryStorage(), (key) => key.startsWith('_views/PerScript/'))
    const db = await Database.open({ storage, schema })
    const tail = db.collection('TailEvents')
    await tail.bulkCreate(generateTailEvents({ count: 100, seed: 3 }))
    await db.flush()
    const before = await db.views.PerScript!.find()

    failing.on = true
    await tail.bulkCreate(generateTailEvents({ count: 50, seed: 4 }))
    await db.flush() // the source commits; the view's commit fails
    await db.views.drain()
    expect(db.getViewState('PerScript')).toMatchObject({ state: 'invalid', error: expect.stringMatching(/disk full/) })
    expect(db.getViewState('Errors')).toMatchObject({ state: 'fresh' })
    expect((await tail.find({}, { project: ['$id'] })).length).toBe(150)
    expect(await db.views.Errors!.count()).toBe((await tail.find({ outcome: { $ne: 'ok' } })).length)
    // Still readable: what it last computed (the writes it took in before its commit failed).
    expect((await db.views.PerScript!.find()).map((row) => row.$id).sort()).toEqual(before.map((row) => row.$id).sort())

    failing.on = false
    await db.refreshView('PerScript')
    expect(db.getViewState('PerScript')).toMatchObject({ state: 'fresh' })
    expect((await db.views.PerScript!.find()).reduce((sum, row) => sum + (row.requests as number), 0)).toBe(150)
    await db.close()
  })
})
