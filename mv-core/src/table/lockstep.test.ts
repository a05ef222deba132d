import { describe, expect, it } from 'vitest'
import { parseSchema } from '../schema/parse-schema.ts'
import { memoryStorage } from '../storage/memory.ts'
import { memoryWal } from '../wal/memory.ts'
import { Table, type FlushEvent } from './table.ts'

const schema = parseSchema('Item', { value: 'int!' })

async function openTable(storage = memoryStorage(), derived = false, name = 'Item') {
  return Table.open({ storage, wal: await memoryWal()(name), schema, prefix: `${name}/`, writerId: 'main', derived, flush: { maxRows: 2, maxAgeMs: 5 } })
}

describe('derived tables in lockstep with a source', () => {
  it('never flush on their own, and commit their frozen part with the source version', async () => {
    const storage = memoryStorage()
    const source = await openTable(storage)
    const derived = await openTable(storage, true, 'Derived')
    const events: FlushEvent[] = []
    source.onFlush(async (event) => {
      events.push(event)
      if (event.phase === 'freeze') derived.freeze()
      else await derived.commitFrozen({ Item: event.version })
    })
    await derived.applyBatch({ upserts: [{ $id: 'd1', value: 1 }, { $id: 'd2', value: 2 }, { $id: 'd3', value: 3 }] })
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(derived.version).toBe(0) // over maxRows and past maxAgeMs, yet nothing was flushed

    await source.bulkCreate([{ value: 10 }])
    await source.flush()
    expect(events).toEqual([{ phase: 'freeze' }, { phase: 'commit', version: 1 }])
    const afterFirst = await derived.refresh()
    expect(afterFirst.lineage).toEqual({ Item: 1 })
    expect(afterFirst.files.size).toBe(1)

    // A source flush with nothing new for the follower still moves its lineage on.
    await source.bulkCreate([{ value: 11 }])
    await source.flush()
    const afterSecond = await derived.refresh()
    expect(afterSecond.lineage).toEqual({ Item: 2 })
    expect(afterSecond.files.size).toBe(1)
    await expect(derived.flush()).rejects.toThrow(/in step with its source/)
  })

  it('keeps lineage across checkpoints and reopening', async () => {
    const storage = memoryStorage()
    const derived = await openTable(storage, true, 'Derived')
    for (let version = 1; version <= 40; version++) {
      await derived.applyBatch({ upserts: [{ $id: `r${version}`, value: version }] })
      derived.freeze()
      await derived.commitFrozen({ Item: version })
    }
    await derived.applyBatch({ upserts: [{ $id: 'pending', value: 0 }] })
    await derived.close() // pending derived rows are not flushed: the source replays them
    const reopened = await openTable(storage, true, 'Derived')
    const snapshot = await reopened.refresh()
    expect(snapshot.lineage).toEqual({ Item: 40 })
    expect((await reopened.view()).snapshot.files.size).toBe(40)
  })

  it('give exact before-images right after a commit and after later ones', async () => {
    const derived = await openTable(memoryStorage(), true, 'Derived')
    const before: unknown[] = []
    derived.onChange((change) => before.push(...change.deletes.map((row) => [row.$id, row.value])))
    await derived.applyBatch({ upserts: [{ $id: 'd1', value: 1 }, { $id: 'd2', value: 2 }] })
    derived.freeze()
    await derived.commitFrozen({ Item: 1 })
    await derived.applyBatch({ upserts: [{ $id: 'd1', value: 10 }] }) // from the memtable it just committed
    derived.freeze()
    await derived.commitFrozen({ Item: 2 })
    await derived.applyBatch({ upserts: [{ $id: 'd2', value: 20 }], deleteIds: ['d1'] }) // d2 from its file, d1 from the last commit
    expect(before).toEqual([['d1', 1], ['d2', 2], ['d1', 10]])
    await derived.replaceContents([{ $id: 'd3', value: 3 }])
    await derived.applyBatch({ upserts: [{ $id: 'd2', value: 0 }] }) // gone with the replacement: an insert
    expect(before).toHaveLength(3)
  })
})
