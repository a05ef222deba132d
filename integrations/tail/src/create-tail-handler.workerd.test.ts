import { env } from 'cloudflare:workers'
import { DB } from 'parquedb'
import { describe, expect, it } from 'vitest'
import { createTailHandler, tail } from './index.ts'
import { allKinds, fetchItem } from './test-fixtures.ts'

// The handler inside workerd over an R2 binding, as a tail Worker runs it.
describe('createTailHandler in workerd', () => {
  it('writes a batch through ctx.waitUntil into R2 and the views see it', async () => {
    const db = DB({}, { storage: { type: 'r2', bucket: env.BUCKET }, plugins: [tail()] })
    const worker = { tail: createTailHandler(db) }
    const pending: Promise<unknown>[] = []
    const ctx = { waitUntil: (promise: Promise<unknown>) => void pending.push(promise), passThroughOnException: () => {} }
    const stats = await worker.tail([...allKinds, 'not an item'], env, ctx)
    await Promise.all(pending)
    expect(stats).toMatchObject({ received: allKinds.length + 1, stored: allKinds.length, dropped: 1 })
    expect(await db.TailEvents.count()).toBe(allKinds.length)
    expect(await db.WorkerRequests.count()).toBe(allKinds.filter((item) => item.event !== null && 'request' in item.event).length)
    expect((await db.WorkerLogs.find({ level: 'warn' })).map((row) => row.message)).toEqual([fetchItem.logs[1]!.message])
    await db.close()
    // The rows are in the bucket: a new database over it reads them back.
    const reopened = DB({}, { storage: { type: 'r2', bucket: env.BUCKET }, plugins: [tail()] })
    expect(await reopened.TailEvents.count()).toBe(allKinds.length)
    await reopened.close()
  })
})
