import { generateText, streamText, wrapLanguageModel } from 'ai'
import { DB } from 'parquedb'
import { describe, expect, it } from 'vitest'
import { AIRequests, Generations } from './index.ts'
import { createParqueDBMiddleware } from './parquedb-middleware.ts'
import type { AIRecordSink } from './types.ts'
import { generatingModel, streamingModel } from './test-models.ts'

const counts = { input: 10, output: 2 }

/** A db whose every write rejects, counting the attempts. */
function rejectingDb() {
  const attempts: number[] = []
  const collection = { bulkCreate: async (rows: readonly unknown[]) => Promise.reject(new Error(`disk full (${attempts.push(rows.length)})`)) }
  return { db: { AIRequests: collection, Generations: collection } satisfies AIRecordSink, attempts }
}

/** A db whose writes never finish: a hung connection. */
function hangingDb() {
  const started: number[] = []
  const collection = { bulkCreate: (rows: readonly unknown[]) => new Promise<never>(() => void started.push(rows.length)) }
  return { db: { AIRequests: collection, Generations: collection } satisfies AIRecordSink, started }
}

describe('a database that cannot take the records', () => {
  it('rejecting writes: the calls succeed, the records are dropped and counted, flush resolves', async () => {
    const { db, attempts } = rejectingDb()
    const errors: string[] = []
    const middleware = createParqueDBMiddleware({ db, flushDelayMs: 0, onError: (error, { collection }) => void errors.push(`${collection}: ${(error as Error).message}`) })
    const model = wrapLanguageModel({ model: generatingModel('fine', counts), middleware })
    for (let call = 0; call < 3; call++) expect((await generateText({ model, prompt: 'x' })).text).toBe('fine')
    const stream = streamText({ model: wrapLanguageModel({ model: streamingModel(['a', 'b'], counts), middleware }), prompt: 'x' })
    expect(await stream.text).toBe('ab')
    await middleware.flush()
    expect(middleware.stats()).toMatchObject({ queued: 0, written: 0, dropped: 8 })
    expect(middleware.stats().failedWrites).toBe(attempts.length)
    expect(errors.length).toBe(attempts.length)
    expect(errors[0]).toMatch(/^(AIRequests|Generations): disk full/)
  })

  it('a closed database: the calls succeed and the records are counted as dropped', async () => {
    const db = DB({ AIRequests, Generations }, { storage: { type: 'memory' } })
    await db.ready()
    await db.close()
    const middleware = createParqueDBMiddleware({ db, flushDelayMs: 0 })
    const model = wrapLanguageModel({ model: generatingModel('still here', counts), middleware })
    expect((await generateText({ model, prompt: 'x' })).text).toBe('still here')
    await middleware.flush()
    expect(middleware.stats()).toMatchObject({ written: 0, dropped: 2, failedWrites: 2 })
    expect(String(middleware.stats().lastError)).toMatch(/closed/)
  })

  it('hung writes: calls return while the write is pending; the bounded queue drops the overflow', async () => {
    const { db, started } = hangingDb()
    const middleware = createParqueDBMiddleware({ db, maxQueued: 5, batchSize: 2, flushDelayMs: 0 })
    const model = wrapLanguageModel({ model: generatingModel('quick', counts), middleware })
    await generateText({ model, prompt: 'x' })
    await new Promise((resolve) => setTimeout(resolve, 5)) // the drain starts its (never ending) writes
    expect(started.length).toBeGreaterThan(0)
    // Every call completes although no write ever will: recording is off the call's path.
    for (let call = 0; call < 10; call++) expect((await generateText({ model, prompt: 'x' })).text).toBe('quick')
    const stats = middleware.stats()
    // 11 calls produced 22 records; at most 5 are held, the rest dropped.
    expect(stats.queued).toBe(5)
    expect(stats.dropped).toBe(17)
    expect(stats.written).toBe(0)
  })
})
