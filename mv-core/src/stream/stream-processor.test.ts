import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import { Database } from '../database.ts'
import type { Row } from '../schema/types.ts'
import { memoryStorage } from '../storage/memory.ts'
import { generateTailEvents, tailEventsDefinition } from '../testing/tail-events.ts'
import { defineView } from '../views/define/define-view.ts'
import { createStreamAdapter } from './stream-adapter.ts'

const WorkerErrors = defineView({ $from: 'TailEvents', $filter: { outcome: { $ne: 'ok' } }, $select: { scriptName: '$scriptName' } })
const PerScript = defineView({ $from: 'TailEvents', $groupBy: ['scriptName'], $compute: { requests: { $count: '*' } } })

const open = () =>
  Database.open({
    storage: memoryStorage(),
    schema: { TailEvents: tailEventsDefinition, WorkerErrors, PerScript, Orders: { total: 'int!' }, OrderCount: { $from: 'Orders', $compute: { n: { $count: '*' } } } },
  })
const requests = async (db: Awaited<ReturnType<typeof open>>) => (await db.views.PerScript!.find()).reduce((sum, row) => sum + (row.requests as number), 0)
const until = async (check: () => boolean | Promise<boolean>) => {
  for (let waited = 0; !(await check()); waited += 5) {
    if (waited > 5_000) throw new Error('timed out')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

describe('db.createStreamProcessor', () => {
  it('feeds an EventEmitter into the views in batches; stop() writes the rest and waits for the views', async () => {
    const db = await open()
    const emitter = new EventEmitter()
    const processor = db.createStreamProcessor({ views: [WorkerErrors, PerScript], adapter: createStreamAdapter({ type: 'node', emitter, event: 'data' }), batchSize: 100, flushIntervalMs: 60_000 })
    await processor.start()
    const events = generateTailEvents({ count: 250, seed: 1 })
    for (const event of events) emitter.emit('data', event)
    await until(() => processor.stats.written === 200) // two full batches; 50 wait for the interval
    expect(processor.stats).toMatchObject({ received: 250, written: 200, batches: 2 })
    await processor.stop()
    expect(processor.stats).toMatchObject({ written: 250, batches: 3, rejected: 0 })
    expect(await requests(db)).toBe(250)
    expect(await db.views.WorkerErrors!.count()).toBe(events.filter((event) => event.outcome !== 'ok').length)
    emitter.emit('data', events[0]) // after stop: not read
    expect(emitter.listenerCount('data')).toBe(0)
    await db.close()
  })

  it('writes a partial batch after flushIntervalMs', async () => {
    const db = await open()
    const emitter = new EventEmitter()
    const processor = db.createStreamProcessor({ views: ['PerScript'], adapter: createStreamAdapter({ type: 'node', emitter, event: 'e' }), batchSize: 1_000, flushIntervalMs: 20 })
    await processor.start()
    for (const event of generateTailEvents({ count: 7, seed: 2 })) emitter.emit('e', event)
    await until(async () => (await requests(db)) === 7)
    await processor.stop()
    await db.close()
  })

  it('pauses a pausable emitter while it is behind, and resumes it', async () => {
    const db = await open()
    const calls: string[] = []
    const emitter = Object.assign(new EventEmitter(), { pause: () => calls.push('pause'), resume: () => calls.push('resume') })
    const adapter = createStreamAdapter({ type: 'node', emitter, event: 'data', highWaterMark: 10 })
    const processor = db.createStreamProcessor({ views: [PerScript], adapter, batchSize: 5, flushIntervalMs: 10 })
    await processor.start()
    for (const event of generateTailEvents({ count: 40, seed: 3 })) emitter.emit('data', event)
    expect(calls[0]).toBe('pause')
    await until(() => processor.stats.written === 40)
    expect(calls).toContain('resume')
    await processor.stop()
    expect(await requests(db)).toBe(40)
    await db.close()
  })

  it('reads an async iterator no faster than it writes, and polls a fetch function', async () => {
    const db = await open()
    const events = generateTailEvents({ count: 300, seed: 4 })
    let ahead = 0
    const processor = db.createStreamProcessor({
      views: [PerScript],
      adapter: createStreamAdapter({
        type: 'iterator',
        source: async function* () {
          for (const event of events) {
            ahead = Math.max(ahead, processor.stats.received - processor.stats.written)
            yield event
          }
        },
      }),
      batchSize: 50,
      flushIntervalMs: 1_000,
    })
    await processor.start()
    await until(() => processor.stats.written === 300)
    await processor.stop()
    expect(ahead).toBeLessThanOrEqual(50)
    expect(await requests(db)).toBe(300)

    const pages = [events.slice(0, 3), [], events.slice(3, 5)]
    const poller = db.createStreamProcessor({ views: [PerScript], adapter: createStreamAdapter({ type: 'poll', fetch: async () => pages.shift() ?? [], intervalMs: 5 }), batchSize: 2, flushIntervalMs: 5 })
    await poller.start()
    await until(() => poller.stats.written === 5)
    await poller.stop()
    expect(await requests(db)).toBe(305)
    await db.close()
  })

  it('reports rejected events and goes on; without onReject one stops it with the error', async () => {
    const db = await open()
    const emitter = new EventEmitter()
    const rejected: Row[] = []
    const processor = db.createStreamProcessor({
      views: [PerScript],
      adapter: createStreamAdapter({ type: 'node', emitter, event: 'data' }),
      batchSize: 3,
      onReject: (error, event) => {
        expect(error.message).toMatch(/scriptName/)
        rejected.push(event)
      },
    })
    await processor.start()
    const [a, b] = generateTailEvents({ count: 2, seed: 5 })
    const bad = { ...a, scriptName: undefined }
    for (const event of [a, bad, b]) emitter.emit('data', event)
    await processor.stop()
    expect(rejected).toEqual([bad])
    expect(processor.stats).toMatchObject({ written: 2, rejected: 1 })

    expect(() => createStreamAdapter({ type: 'iterator', source: [bad] as unknown as AsyncIterable<Row> })).toThrow(/needs source: an async iterable/)
    const failing = db.createStreamProcessor({ views: [PerScript], adapter: createStreamAdapter({ type: 'iterator', source: async function* () { yield bad } }) })
    await failing.start()
    await expect(failing.stop()).rejects.toThrow(/scriptName/)
    expect(await requests(db)).toBe(2)
    await db.close()
  })

  it('rejects bad options, naming what is wrong', async () => {
    const db = await open()
    const adapter = createStreamAdapter({ type: 'poll', fetch: () => [], intervalMs: 10 })
    expect(() => createStreamAdapter({ type: 'kafka' } as never)).toThrow(/unknown type "kafka"/)
    expect(() => createStreamAdapter({ type: 'poll', fetch: () => [], intervalMs: 0 })).toThrow(/intervalMs > 0/)
    expect(() => createStreamAdapter({ type: 'node', emitter: {} as never, event: 'data' })).toThrow(/emitter with on\(\)/)
    expect(() => db.createStreamProcessor({ views: [], adapter })).toThrow(/at least one view/)
    expect(() => db.createStreamProcessor({ views: [defineView({ $from: 'TailEvents' })], adapter })).toThrow(/view #0 is not part of this database/)
    expect(() => db.createStreamProcessor({ views: ['Nope'], adapter })).toThrow(/view "Nope" is not part of this database/)
    expect(() => db.createStreamProcessor({ views: [PerScript, 'OrderCount'], adapter })).toThrow(/different collections \(TailEvents, Orders\)/)
    expect(() => db.createStreamProcessor({ views: [PerScript], adapter, batchSize: 0 })).toThrow(/batchSize must be a positive integer/)
    const processor = db.createStreamProcessor({ views: [PerScript], adapter })
    await processor.start()
    await expect(processor.start()).rejects.toThrow(/already started/)
    await processor.stop()
    await db.close()
  })
})
