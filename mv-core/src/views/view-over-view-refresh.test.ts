import { afterEach, describe, expect, it } from 'vitest'
import { Database, type OpenDatabase } from '../database.ts'
import { memoryStorage } from '../storage/memory.ts'

let db: OpenDatabase | undefined
afterEach(async () => {
  await db?.close()
  db = undefined
})

describe('a manual view over a streaming view', () => {
  it('sees the source view’s newest rows at refresh, before any flush, and knows when it falls behind', async () => {
    db = await Database.open({
      storage: memoryStorage(),
      schema: {
        Hit: { path: 'string!', ms: 'int!' },
        Slow: { $from: 'Hit', $filter: { ms: { $gte: 100 } } },
        SlowByPath: { $from: 'Slow', $groupBy: ['path'], $compute: { hits: { $count: '*' } }, $refresh: { mode: 'manual' } },
      },
      scheduler: 'external',
    })
    const hits = db.collection('Hit')
    await hits.bulkCreate([{ path: '/a', ms: 150 }, { path: '/a', ms: 5 }, { path: '/b', ms: 300 }])
    await db.refreshView('SlowByPath')
    expect((await db.views.SlowByPath!.find({}, { sort: { path: 1 } })).map((row) => [row.path, row.hits])).toEqual([['/a', 1], ['/b', 1]])
    expect(db.getViewState('SlowByPath').state).toBe('fresh')
    await hits.create({ path: '/b', ms: 120 })
    await db.views.drain()
    expect(db.getViewState('SlowByPath').state).toBe('stale')
    await db.refreshView('SlowByPath')
    expect(db.getViewState('SlowByPath')).toMatchObject({ state: 'fresh', lastRefreshRecord: { kind: 'full', reason: expect.stringMatching(/its source is a view/) } })
    expect((await db.views.SlowByPath!.find({}, { sort: { path: 1 } })).map((row) => [row.path, row.hits])).toEqual([['/a', 1], ['/b', 2]])
  })
})
