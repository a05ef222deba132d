import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DB } from 'parquedb'
import { afterEach, describe, expect, it } from 'vitest'
import { TailEvents } from '@parquedb/views-catalog/tail'
import { createTailHandler } from './create-tail-handler.ts'
import { allKinds, fetchItem, T0 } from './test-fixtures.ts'
import type { TailBatchStats } from './types.ts'

/** An ExecutionContext as the handler sees it: it keeps what it was asked to wait for. */
function executionContext() {
  const pending: Promise<unknown>[] = []
  return { pending, waitUntil: (promise: Promise<unknown>) => void pending.push(promise), passThroughOnException: () => {} }
}

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

describe('createTailHandler', () => {
  it('writes each batch with one bulkCreate, inside ctx.waitUntil', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tail-handler-'))
    dirs.push(dir)
    const db = DB({ TailEvents }, { storage: { type: 'fs', path: dir } })
    const writes: number[] = []
    const sink = { collection: (name: string) => ({ bulkCreate: async (rows: readonly Record<string, unknown>[]) => (writes.push(rows.length), db.collection(name).bulkCreate(rows)) }) }
    const handler = createTailHandler(sink)
    const ctx = executionContext()
    const returned = handler(allKinds, {}, ctx)
    expect(ctx.pending).toEqual([returned])
    await Promise.all(ctx.pending)
    await handler([fetchItem, fetchItem], {}, ctx)
    expect(writes).toEqual([allKinds.length, 2])
    expect(await db.TailEvents.count()).toBe(allKinds.length + 2)
    expect((await db.TailEvents.find({ eventType: 'email' })).map((row) => row.scriptName)).toEqual(['inbound-mail'])
    await db.close()
    // Durable: a fresh process sees every row.
    const reopened = DB({ TailEvents }, { storage: { type: 'fs', path: dir } })
    expect(await reopened.TailEvents.count()).toBe(allKinds.length + 2)
    await reopened.close()
  })

  it('stores malformed items with what is valid, drops non-objects, counts both and logs one line', async () => {
    const db = DB({ TailEvents }, { storage: { type: 'memory' } })
    const lines: string[] = []
    const seen: TailBatchStats[] = []
    const handler = createTailHandler(db, { log: (line) => lines.push(line), onBatch: (stats) => seen.push(stats), now: () => T0 + 9 })
    const unreadable = Object.defineProperty({}, 'scriptName', { get: () => { throw new Error('boom') }, enumerable: true })
    const batch = [fetchItem, { outcome: 'ok', logs: [{ level: 'log', message: ['y'.repeat(40_000)], timestamp: T0 }] }, null, 'text', 42, unreadable, { event: { brandNew: 1 } }]
    const stats = await handler(batch, {}, executionContext())
    expect(stats).toMatchObject({ received: 7, stored: 3, dropped: 4, failed: 0, repaired: 2 })
    expect(stats.issues).toEqual({ notAnObject: 4, missingField: 9, invalidField: 0, unknownEventKind: 1, truncatedValue: 1, nonJsonValue: 0 })
    expect(seen).toEqual([stats])
    expect(lines).toEqual([expect.stringMatching(/^\[parquedb\] tail -> TailEvents: 7 items, 3 stored, 2 repaired, 4 dropped, 0 failed \(notAnObject=4, missingField=9, unknownEventKind=1, truncatedValue=1\)$/)])
    const stored = await db.TailEvents.find({ scriptName: 'unknown' }, { sort: { outcome: 1 } })
    expect(stored.map((row) => [row.outcome, row.eventType, row.eventTimestamp])).toEqual([['ok', null, new Date(T0 + 9)], ['unknown', 'other', new Date(T0 + 9)]])
    await db.close()
  })

  it('reports a failed write instead of throwing, and ignores a batch that is not a list', async () => {
    const db = DB({ TailEvents }, { storage: { type: 'memory' } })
    await db.close()
    const lines: string[] = []
    const handler = createTailHandler(db, { log: (line) => lines.push(line) })
    const stats = await handler([fetchItem], {}, executionContext())
    expect(stats).toMatchObject({ received: 1, stored: 0, failed: 1 })
    expect(stats.error?.message).toMatch(/closed/)
    expect(lines[0]).toMatch(/1 failed; write failed: .*closed/)
    expect(await handler(undefined as never)).toMatchObject({ received: 0, stored: 0 })
  })
})
