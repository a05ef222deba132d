import { afterEach, describe, expect, it } from 'vitest'
import { Database, type OpenDatabase } from '../database.ts'
import { memoryStorage } from '../storage/memory.ts'

let db: OpenDatabase | undefined
afterEach(async () => {
  await db?.close()
  db = undefined
})

describe('streaming views under bursts of writes', () => {
  it('apply a burst as few batches, with the same result as one write at a time', async () => {
    db = await Database.open({
      storage: memoryStorage(),
      schema: {
        Hit: { path: 'string!', ms: 'int!' },
        ByPath: { $from: 'Hit', $groupBy: ['path'], $compute: { hits: { $count: '*' }, slowest: { $max: 'ms' } } },
        Slow: { $from: 'Hit', $filter: { ms: { $gte: 50 } } },
      },
    })
    const hits = db.collection('Hit')
    // 200 writes issued at once, then updates and deletes of some of them, also at once.
    const created = await Promise.all(Array.from({ length: 200 }, (_, index) => hits.create({ path: `/p${index % 7}`, ms: index % 100 })))
    await Promise.all(created.slice(0, 40).map((row, index) => (index % 2 === 0 ? hits.update(row.$id, { $set: { ms: 99 } }) : hits.delete(row.$id))))
    await db.views.drain()
    const state = db.getViewState('ByPath')
    expect(state.maintenance.batches).toBeLessThan(60)
    const live = await hits.find({})
    const expected = new Map<string, { hits: number; slowest: number }>()
    for (const row of live) {
      const entry = expected.get(row.path as string) ?? { hits: 0, slowest: -1 }
      entry.hits++
      entry.slowest = Math.max(entry.slowest, row.ms as number)
      expected.set(row.path as string, entry)
    }
    const groups = await db.views.ByPath!.find({}, { sort: { path: 1 } })
    expect(groups.map((row) => [row.path, row.hits, row.slowest])).toEqual([...expected].sort(([a], [b]) => (a < b ? -1 : 1)).map(([path, entry]) => [path, entry.hits, entry.slowest]))
    const slow = await db.views.Slow!.find({}, { sort: { $id: 1 } })
    expect(slow.map((row) => [row.$id, row.ms])).toEqual(live.filter((row) => (row.ms as number) >= 50).sort((a, b) => (a.$id < b.$id ? -1 : 1)).map((row) => [row.$id, row.ms]))
  })
})
