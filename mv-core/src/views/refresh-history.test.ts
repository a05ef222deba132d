import { describe, expect, it } from 'vitest'
import { Database } from '../database.ts'
import { memoryStorage } from '../storage/memory.ts'
import { failingPuts } from '../storage/failing-puts.ts'
import { generateTailEvents, tailEventsDefinition } from '../testing/tail-events.ts'

const perScript = { $from: 'TailEvents', $groupBy: ['scriptName'], $compute: { requests: { $count: '*' } } }
const schema = {
  TailEvents: tailEventsDefinition,
  Live: perScript,
  Manual: { ...perScript, $refresh: { mode: 'manual' } },
  // The history is a collection like any other: a view can read it.
  RefreshesPerView: { $from: 'RefreshHistory', $groupBy: ['view', 'kind'], $compute: { runs: { $count: '*' }, failures: { $count: 'error' } } },
}

describe('refresh history', () => {
  it('records every refresh (trigger, kind, reason, rows, duration, error) in the RefreshHistory collection', async () => {
    const { storage, failing } = failingPuts(memoryStorage(), (key) => key.startsWith('_views/Manual/data/'))
    const db = await Database.open({ storage, schema, scheduler: 'external' })
    const tail = db.collection('TailEvents')
    await tail.bulkCreate(generateTailEvents({ count: 40, seed: 1 }))
    await db.refreshView('Manual')
    await db.refreshView('Manual', { full: true })
    failing.on = true
    await tail.bulkCreate(generateTailEvents({ count: 5, seed: 2 }))
    await expect(db.refreshView('Manual', { full: true })).rejects.toThrow(/disk full/)
    await db.views.drain()

    const history = await db.collection('RefreshHistory').find({ view: 'Manual' }, { sort: { startedAt: 1 } })
    expect(history.map((row) => [row.trigger, row.kind, row.reason, row.error === null])).toEqual([
      ['open', 'full', 'it holds no data yet', true],
      ['manual', 'incremental', expect.stringMatching(/^changes since version \d+$/), true],
      ['manual', 'full', 'a full refresh was asked for', true],
      ['manual', 'full', 'a full refresh was asked for', false],
    ])
    expect(history[1]).toMatchObject({ mode: 'manual', rowsIn: 40, rowsOut: null })
    expect(history[2]).toMatchObject({ rowsIn: 40, rowsOut: expect.any(Number) })
    expect(history[3]?.error).toMatch(/disk full/)
    expect(history.every((row) => typeof row.durationMs === 'number' && row.startedAt instanceof Date)).toBe(true)

    const perView = await db.views.RefreshesPerView!.find({ view: 'Manual' })
    expect(new Map(perView.map((row) => [row.kind, [row.runs, row.failures]]))).toEqual(new Map([['full', [3, 1]], ['incremental', [1, 0]]]))
    await db.close()
  })

  it('getViewState reports the last refresh from the history, also after a restart', async () => {
    const storage = memoryStorage()
    const open = () => Database.open({ storage, schema, scheduler: 'external' })
    let db = await open()
    await db.collection('TailEvents').bulkCreate(generateTailEvents({ count: 10, seed: 3 }))
    await db.refreshView('Manual', { full: true })
    const last = db.getViewState('Manual').lastRefreshRecord
    expect(last).toMatchObject({ view: 'Manual', trigger: 'manual', kind: 'full', rowsIn: 10, error: null })
    await db.close()

    db = await open() // Manual has lineage now: opening does not refresh it
    const state = db.getViewState('Manual')
    expect(state.lastRefreshRecord).toEqual(last)
    expect(state.lastRefresh?.getTime()).toBe((last?.startedAt.getTime() ?? 0) + (last?.durationMs ?? 0))
    await db.close()
  })

  it('reserves its name', async () => {
    await expect(Database.open({ storage: memoryStorage(), schema: { RefreshHistory: { view: 'string!' } } })).rejects.toThrow(/"RefreshHistory": the name is reserved/)
  })
})
