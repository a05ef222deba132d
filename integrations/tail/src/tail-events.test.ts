import { DB } from 'parquedb'
import { afterEach, describe, expect, it } from 'vitest'
import { createTailHandler, TailEvents, toTailEvent } from './index.ts'
import { alarmItem, emailItem, exceededCpuItem, failedFetchItem, fetchItem, queueItem, rpcItem, scheduledItem } from './test-fixtures.ts'

const items = [fetchItem, failedFetchItem, scheduledItem, queueItem, alarmItem, emailItem, rpcItem, exceededCpuItem]
const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of closers.splice(0)) await close()
})

describe('TailEvents from parquedb/tail', () => {
  it("takes the runtime's TraceItems as they come: the seed's `db.TailEvents.bulkCreate(events)`", async () => {
    const db = DB({ TailEvents }, { storage: { type: 'memory' } })
    closers.push(() => db.close())
    const waits: Promise<unknown>[] = []
    const ctx = { waitUntil: (promise: Promise<unknown>) => void waits.push(promise) }
    // The seed's tail worker, verbatim but for `db` and `ctx`.
    const worker = {
      async tail(events: unknown[], _env: unknown, context: typeof ctx) {
        context.waitUntil(db.TailEvents.bulkCreate(events as never))
      },
    }
    await worker.tail(items, {}, ctx)
    await Promise.all(waits)
    const stored = await db.TailEvents.find({}, { sort: { eventTimestamp: 1, $id: 1 } })
    expect(stored).toHaveLength(items.length)
    // Each stored row is what toTailEvent makes of its item.
    const expected = items.map((item) => toTailEvent(item))
    const summary = (row: Record<string, unknown>) =>
      JSON.stringify([row.scriptName, row.outcome, row.eventType, (row.eventTimestamp as Date).getTime(), row.cpuTime ?? null, row.wallTime ?? null, row.truncated ?? null, (row.logs as unknown[] | null)?.length ?? 0, row.scriptVersion ?? null, row.entrypoint ?? null])
    expect(stored.map(summary).sort()).toEqual(expected.map(summary).sort())
    expect(stored.find((row) => row.eventType === 'fetch')?.event).toEqual(JSON.parse(JSON.stringify(expected.find((row) => row.eventType === 'fetch')?.event)))
  })

  it('does not map twice what createTailHandler already mapped', async () => {
    const db = DB({ TailEvents }, { storage: { type: 'memory' } })
    closers.push(() => db.close())
    const stats = await createTailHandler(db, { log: () => undefined })(items)
    expect(stats.stored).toBe(items.length)
    const viaHandler = await db.TailEvents.find({}, { project: ['scriptName', 'eventType', 'outcome'] })
    const direct = DB({ TailEvents }, { storage: { type: 'memory' } })
    closers.push(() => direct.close())
    await direct.TailEvents.bulkCreate(items as never)
    const viaCollection = await direct.TailEvents.find({}, { project: ['scriptName', 'eventType', 'outcome'] })
    const key = (rows: Record<string, unknown>[]) => rows.map((row) => `${row.scriptName}|${row.eventType}|${row.outcome}`).sort()
    expect(key(viaHandler)).toEqual(key(viaCollection))
  })
})
