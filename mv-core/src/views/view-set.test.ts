import { describe, expect, it } from 'vitest'
import { Database } from '../database.ts'
import { memoryStorage } from '../storage/memory.ts'
import { generateTailEvents, tailEventsDefinition } from '../testing/tail-events.ts'
import { memoryWal } from '../wal/memory.ts'
import type { Row } from '../schema/types.ts'

const schema = {
  TailEvents: tailEventsDefinition,
  WorkerErrors: {
    $from: 'TailEvents',
    $filter: { $or: [{ outcome: { $ne: 'ok' } }, { 'exceptions.0': { $exists: true } }] },
    $select: { scriptName: '$scriptName', outcome: '$outcome', exceptionName: '$exceptions.0.name', timestamp: '$eventTimestamp' },
  },
  WorkerLogs: {
    $from: 'TailEvents',
    $unnest: 'logs',
    $select: { scriptName: '$scriptName', level: '$logs.level', timestamp: '$logs.timestamp' },
  },
  ScriptStats: {
    $from: 'TailEvents',
    $groupBy: ['scriptName', { hour: '$eventTimestamp' }],
    $compute: {
      requests: { $count: '*' },
      errors: { $sum: { $cond: [{ $ne: ['$outcome', 'ok'] }, 1, 0] } },
      avgWall: { $avg: 'wallTime' },
      maxWall: { $max: 'wallTime' },
      p95Wall: { $percentile: ['wallTime', 0.95] },
    },
  },
  HourlyTotals: {
    $from: 'ScriptStats',
    $groupBy: [{ day: '$hour' }],
    $compute: { requests: { $sum: 'requests' }, scripts: { $count: '*' } },
  },
}

const VIEWS = ['WorkerErrors', 'WorkerLogs', 'ScriptStats', 'HourlyTotals'] as const

function normalize(rows: Row[]): unknown[] {
  return rows
    .map(({ createdAt: _c, updatedAt: _u, ...rest }) => rest)
    .sort((a, b) => (String(a.$id) < String(b.$id) ? -1 : 1))
    .map((row) => JSON.parse(JSON.stringify(row, (_key, value: unknown) => (typeof value === 'number' ? Number(value.toPrecision(12)) : value))) as unknown)
}

/** Each view's rows as maintained incrementally, then as a full refresh computes them. */
async function incrementalAndFull(db: Database, name: string) {
  await db.views.drain()
  const incremental = normalize(await db.views.find(name, {}))
  await db.refreshView(name, { full: true })
  const full = normalize(await db.views.find(name, {}))
  return { incremental, full }
}

describe('materialized views through the database', () => {
  it('stay equal to a full refresh under inserts, updates, deletes and flushes, also across a crash', async () => {
    const storage = memoryStorage()
    const wal = memoryWal()
    const open = () => Database.open({ storage, wal, schema, flush: { maxRows: 400, maxAgeMs: 60_000, rowGroupSize: 100 } })
    let db = await open()
    const tail = db.collection('TailEvents')
    const events = generateTailEvents({ count: 1_500, seed: 3 })
    const created = []
    for (let i = 0; i < events.length; i += 250) created.push(...(await tail.bulkCreate(events.slice(i, i + 250))))
    for (const entity of created.slice(0, 60)) await tail.update(entity.$id, { outcome: 'exception', wallTime: 5_000 })
    for (const entity of created.slice(60, 120)) await tail.delete(entity.$id)
    await db.flush()
    for (const entity of created.slice(120, 150)) await tail.update(entity.$id, { wallTime: 1 })

    const errors = await db.views.find('WorkerErrors', { outcome: 'exception' })
    expect(errors.length).toBeGreaterThan(60)
    expect(Object.keys(errors[0]!).sort()).toEqual(['$id', 'createdAt', 'exceptionName', 'outcome', 'scriptName', 'timestamp', 'updatedAt'])
    const stats = await db.views.find('ScriptStats', {})
    expect(stats.reduce((sum, row) => sum + (row.requests as number), 0)).toBe(1_500 - 60)
    expect(stats[0]).not.toHaveProperty('_state')
    const state = db.getViewState('ScriptStats')
    expect(state).toMatchObject({ state: 'fresh', lag: 0 })
    // 6 bulk creates, 60 updates, 60 deletes, 30 updates: rows count images on both sides; writes
    // arriving while the view is busy are applied together, so there are at most 156 batches.
    expect(state.maintenance.rows).toBe(1_500 + 60 * 2 + 60 + 30 * 2)
    expect(state.maintenance.batches).toBeGreaterThan(0)
    expect(state.maintenance.batches).toBeLessThanOrEqual(156)
    expect(state.maintenance.ms).toBeGreaterThan(0)

    for (const name of VIEWS) {
      const { incremental, full } = await incrementalAndFull(db, name)
      expect(incremental, `${name} before the crash`).toEqual(full)
    }

    // A crash: nothing closed. Views reopen at their lineage and catch up from the source.
    await tail.update(created[200]!.$id, { outcome: 'canceled' })
    await tail.delete(created[201]!.$id)
    await db.views.drain()
    const before = new Map<string, unknown[]>()
    for (const name of VIEWS) before.set(name, normalize(await db.views.find(name, {})))
    await tail.table.idle()
    db = await open()
    for (const name of VIEWS) expect(normalize(await db.views.find(name, {})), name).toEqual(before.get(name))
    for (const name of VIEWS) {
      const { incremental, full } = await incrementalAndFull(db, name)
      expect(incremental, name).toEqual(full)
    }
    await db.close()
  }, 60_000)

  it('records lineage with the source version at each source commit', async () => {
    const db = await Database.open({ storage: memoryStorage(), schema, flush: { maxAgeMs: 60_000 } })
    const tail = db.collection('TailEvents')
    await tail.bulkCreate(generateTailEvents({ count: 50, seed: 1 }))
    await db.flush()
    await db.views.drain()
    const version = await tail.version()
    for (const state of db.listViews()) expect(state.sourceVersions, state.name).toEqual(state.name === 'HourlyTotals' ? { ScriptStats: expect.any(Number) } : { TailEvents: version })
    await db.close()
  })

  it('rejects invalid definitions at open, naming the view and directive', async () => {
    await expect(Database.open({ storage: memoryStorage(), schema: { TailEvents: tailEventsDefinition, Bad: { $from: 'TailEvents', $compute: { n: { $summ: 'x' } } } } })).rejects.toThrow(/view "Bad": \$compute\.n/)
    await expect(Database.open({ storage: memoryStorage(), schema: { Bad: { $from: 'Nowhere' } } })).rejects.toThrow(/view "Bad": \$from/)
  })
})

describe('materialized views under random workloads', () => {
  it('incremental maintenance equals a full refresh after any sequence of writes, flushes and crashes', async () => {
    const { default: fc } = await import('fast-check')
    const pool = generateTailEvents({ count: 400, seed: 9 })
    const op = fc.oneof(
      fc.record({ kind: fc.constant('insert' as const), from: fc.nat(399), size: fc.integer({ min: 1, max: 30 }) }),
      fc.record({ kind: fc.constant('update' as const), pick: fc.nat(), wallTime: fc.integer({ min: 0, max: 9_999 }), outcome: fc.constantFrom('ok', 'exception', 'canceled') }),
      fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
      fc.constant({ kind: 'flush' as const }),
      fc.constant({ kind: 'crash' as const }),
    )
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
        const storage = memoryStorage()
        const wal = memoryWal()
        const open = () => Database.open({ storage, wal, schema, flush: { maxRows: 60, maxAgeMs: 60_000, rowGroupSize: 20 } })
        let db = await open()
        const ids: string[] = []
        for (const step of ops) {
          const tail = db.collection('TailEvents')
          if (step.kind === 'insert') {
            ids.push(...(await tail.bulkCreate(pool.slice(step.from, step.from + step.size))).map((row) => row.$id))
          } else if (step.kind === 'update' && ids.length > 0) {
            await tail.update(ids[step.pick % ids.length] as string, { wallTime: step.wallTime, outcome: step.outcome })
          } else if (step.kind === 'delete' && ids.length > 0) {
            const [id] = ids.splice(step.pick % ids.length, 1)
            await tail.delete(id as string)
          } else if (step.kind === 'flush') {
            await db.flush()
          } else if (step.kind === 'crash') {
            await db.views.drain()
            await tail.table.idle()
            db = await open()
          }
        }
        for (const name of VIEWS) {
          const { incremental, full } = await incrementalAndFull(db, name)
          expect(incremental, name).toEqual(full)
        }
        await db.close()
      }),
      { numRuns: Number(process.env.VIEW_RUNS ?? 25) },
    )
  }, 120_000)
})

describe('managing views', () => {
  it('registers, alters, refreshes manual views on demand, vacuums and drops', async () => {
    const storage = memoryStorage()
    const db = await Database.open({ storage, schema: { TailEvents: tailEventsDefinition }, flush: { maxAgeMs: 60_000 } })
    const tail = db.collection('TailEvents')
    await tail.bulkCreate(generateTailEvents({ count: 200, seed: 5 }))
    const count = async (name: string) => (await db.views.find(name, {})).reduce((sum, row) => sum + (row.n as number), 0)

    expect(await db.registerView('PerScript', { $from: 'TailEvents', $groupBy: ['scriptName'], $compute: { n: { $count: '*' } } })).toMatchObject({ state: 'fresh' })
    await db.registerView('Total', { $from: 'PerScript', $compute: { n: { $sum: 'n' } } })
    expect(await count('PerScript')).toBe(200)
    expect(await count('Total')).toBe(200)
    await expect(db.registerView('PerScript', { $from: 'TailEvents' })).rejects.toThrow(/already taken/)
    await expect(db.registerView('Broken', { $from: 'TailEvents', $compute: { n: { $summ: 'x' } } })).rejects.toThrow(/view "Broken"/)

    // Manual: writes do not reach it until refreshView.
    await db.alterView('PerScript', { $refresh: { mode: 'manual' } })
    await tail.bulkCreate(generateTailEvents({ count: 50, seed: 6 }))
    expect(await count('PerScript')).toBe(200)
    expect(db.getViewState('PerScript')).toMatchObject({ state: 'stale', mode: 'manual' })
    await db.refreshView('PerScript')
    expect(await count('PerScript')).toBe(250)
    expect(db.getViewState('PerScript')).toMatchObject({ state: 'fresh' })
    await db.refreshView('Total')
    expect(await count('Total')).toBe(250)

    expect((await db.vacuumView('PerScript', { retentionDays: 0 })).deleted.length).toBeGreaterThanOrEqual(0)
    expect(await count('PerScript')).toBe(250)
    await expect(db.vacuumView('PerScript', { retentionDays: -1 })).rejects.toThrow(/retentionDays/)

    await db.dropView('PerScript')
    expect(db.listViews().map((view) => view.name)).toEqual(['Total'])
    expect(db.getViewState('Total')).toMatchObject({ state: 'invalid', error: expect.stringMatching(/source view "PerScript" was dropped/) })
    expect(await storage.list('_views/PerScript/')).toEqual([])
    expect(() => db.getViewState('PerScript')).toThrow(/unknown view "PerScript"/)
    await db.close()
  })
})

describe('$expand views', () => {
  it('re-derive rows when a related entity changes', async () => {
    const db = await Database.open({
      storage: memoryStorage(),
      schema: {
        Customer: { name: 'string!', tier: 'string?' },
        Order: { total: 'decimal(10,2)!', status: 'string!', customer: '-> Customer' },
        OrderAnalytics: { $from: 'Order', $expand: ['customer'], $flatten: { customer: 'buyer' } },
      },
    })
    const [ada, bob] = await db.collection('Customer').bulkCreate([{ name: 'Ada', tier: 'gold' }, { name: 'Bob' }])
    await db.collection('Order').bulkCreate([
      { total: 10, status: 'paid', customer: ada!.$id },
      { total: 20, status: 'new', customer: bob!.$id },
    ])
    const rows = async () => (await db.views.find('OrderAnalytics', {}, { sort: { total: 1 } })).map((row) => [row.total, row.buyer_name, row.buyer_tier])
    expect(await rows()).toEqual([
      [10, 'Ada', 'gold'],
      [20, 'Bob', null],
    ])
    const before = db.getViewState('OrderAnalytics').maintenance
    await db.collection('Customer').update(bob!.$id, { tier: 'silver', name: 'Robert' })
    expect(await rows()).toEqual([
      [10, 'Ada', 'gold'],
      [20, 'Robert', 'silver'],
    ])
    // Incrementally: Bob's one order re-derived (its before- and after-image), no full refresh.
    const after = db.getViewState('OrderAnalytics').maintenance
    expect([after.fullRefreshes - before.fullRefreshes, after.rows - before.rows]).toEqual([0, 2])
    await db.collection('Customer').delete(ada!.$id)
    expect(await rows()).toEqual([
      [10, null, null],
      [20, 'Robert', 'silver'],
    ])
    expect(db.getViewState('OrderAnalytics')).toMatchObject({ state: 'fresh', maintenance: { fullRefreshes: before.fullRefreshes } })
    await db.close()
  })
})

describe('full refreshes while the source is flushing', () => {
  it('complete when a flush of the source is under way', async () => {
    const db = await Database.open({ storage: memoryStorage(), schema, flush: { maxRows: 50, maxAgeMs: 60_000, rowGroupSize: 20 } })
    const tail = db.collection('TailEvents')
    await tail.bulkCreate(generateTailEvents({ count: 50, seed: 4 })) // reaches maxRows: a flush starts
    await db.refreshView('WorkerErrors', { full: true })
    await db.refreshView('ScriptStats', { full: true })
    await tail.bulkCreate(generateTailEvents({ count: 10, seed: 5 }))
    await db.flush()
    for (const name of VIEWS) {
      const { incremental, full } = await incrementalAndFull(db, name)
      expect(incremental, name).toEqual(full)
    }
    await db.close()
  }, 20_000)

  it('complete for a view others read, followed by a flush', async () => {
    const db = await Database.open({ storage: memoryStorage(), schema })
    await db.collection('TailEvents').bulkCreate(generateTailEvents({ count: 1, seed: 4 }))
    await db.refreshView('ScriptStats', { full: true })
    await db.flush()
    const { incremental, full } = await incrementalAndFull(db, 'HourlyTotals')
    expect(incremental).toEqual(full)
    await db.close()
  }, 20_000)
})
