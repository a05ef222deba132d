import { describe, expect, it } from 'vitest'
import { Database } from '../../database.ts'
import { memoryStorage } from '../../storage/memory.ts'
import { failingPuts } from '../../storage/failing-puts.ts'
import type { StorageDriver } from '../../storage/types.ts'
import { generateTailEvents, tailEventsDefinition } from '../../testing/tail-events.ts'
import { memoryWal } from '../../wal/memory.ts'

const at = (iso: string) => new Date(`2024-01-15T${iso}Z`)
const hourly = (strategy: 'replace' | 'append') => ({
  $from: 'TailEvents',
  $filter: { outcome: { $ne: 'ok' } },
  $select: { scriptName: '$scriptName' },
  $refresh: { mode: 'scheduled', schedule: '0 * * * *', strategy },
})

async function setup(strategy: 'replace' | 'append', storage: StorageDriver = memoryStorage(), wal = memoryWal(), random = () => 0.5) {
  const db = await Database.open({
    storage,
    wal,
    schema: { TailEvents: tailEventsDefinition, Errors: hourly(strategy) },
    scheduler: 'external',
    schedulerOptions: { random, maxJitterMs: 60_000, backoffMs: 1_000 },
  })
  return db
}
const errorsIn = (events: ReturnType<typeof generateTailEvents>) => events.filter((event) => event.outcome !== 'ok').length

describe('scheduled refreshes', () => {
  it('reject a cron schedule that does not parse, naming the view', async () => {
    await expect(
      Database.open({ storage: memoryStorage(), schema: { TailEvents: tailEventsDefinition, Errors: { ...hourly('replace'), $refresh: { mode: 'scheduled', schedule: '61 * * * *' } } } }),
    ).rejects.toThrow(/view "Errors": \$refresh\.schedule: "61 \* \* \* \*" is not a cron schedule/)
  })

  it('run when due, keep the next run with the data, and catch up once (jittered) after missing runs', async () => {
    const storage = memoryStorage()
    const wal = memoryWal()
    let db = await setup('replace', storage, wal)
    const first = generateTailEvents({ count: 60, seed: 1 })
    await db.collection('TailEvents').bulkCreate(first)
    expect(await db.runDueRefreshes(at('10:30:00'))).toEqual([]) // first sight: next run 11:00
    expect(db.getViewState('Errors').schedule).toMatchObject({ nextRunAt: at('11:00:00').getTime(), lastRunAt: null })
    expect(await db.runDueRefreshes(at('10:59:59'))).toEqual([])
    expect(await db.views.Errors!.count()).toBe(errorsIn([])) // not refreshed yet (an empty first refresh at open)
    expect(await db.runDueRefreshes(at('11:00:00'))).toEqual(['Errors'])
    expect(await db.views.Errors!.count()).toBe(errorsIn(first))
    expect(db.getViewState('Errors').schedule).toMatchObject({ nextRunAt: at('12:00:00').getTime(), lastRunAt: at('11:00:00').getTime(), failures: 0 })
    await db.close()

    // Restarted before the next run: nothing due, nothing lost.
    db = await setup('replace', storage, wal)
    expect(await db.runDueRefreshes(at('11:30:00'))).toEqual([])
    expect(db.getViewState('Errors').schedule?.nextRunAt).toBe(at('12:00:00').getTime())
    await db.close()

    // Down from 11:30 to 15:10: four runs missed, one catch-up 30 s (jitter 0.5 of 60 s) later.
    db = await setup('replace', storage, wal)
    const second = generateTailEvents({ count: 40, seed: 2 })
    await db.collection('TailEvents').bulkCreate(second)
    expect(await db.runDueRefreshes(at('15:10:00'))).toEqual([])
    expect(db.getViewState('Errors').schedule?.nextRunAt).toBe(at('15:10:30').getTime())
    expect(await db.runDueRefreshes(at('15:10:30'))).toEqual(['Errors'])
    expect(await db.runDueRefreshes(at('15:10:31'))).toEqual([])
    expect(db.getViewState('Errors').schedule?.nextRunAt).toBe(at('16:00:00').getTime())
    expect(await db.views.Errors!.count()).toBe(errorsIn([...first, ...second]))
    await db.close()
  })

  it('retry a failed run with exponential backoff, serving the last good data meanwhile', async () => {
    const { storage, failing } = failingPuts(memoryStorage(), (key) => key.startsWith('_views/Errors/data/'))
    const db = await setup('replace', storage)
    const events = generateTailEvents({ count: 50, seed: 3 })
    await db.collection('TailEvents').bulkCreate(events.slice(0, 25))
    await db.runDueRefreshes(at('10:30:00'))
    await db.runDueRefreshes(at('11:00:00'))
    const good = await db.views.Errors!.count()
    await db.collection('TailEvents').bulkCreate(events.slice(25))
    failing.on = true
    expect(await db.runDueRefreshes(at('12:00:00'))).toEqual(['Errors'])
    expect(db.getViewState('Errors').schedule).toMatchObject({ failures: 1, nextRunAt: at('12:00:01').getTime(), lastError: expect.stringMatching(/disk full/) })
    expect(await db.runDueRefreshes(at('12:00:01'))).toEqual(['Errors'])
    expect(db.getViewState('Errors').schedule).toMatchObject({ failures: 2, nextRunAt: at('12:00:03').getTime() })
    expect(await db.views.Errors!.count()).toBe(good)
    failing.on = false
    expect(await db.runDueRefreshes(at('12:00:03'))).toEqual(['Errors'])
    expect(db.getViewState('Errors')).toMatchObject({ state: 'fresh', schedule: { failures: 0, lastError: null, nextRunAt: at('13:00:00').getTime() } })
    expect(await db.views.Errors!.count()).toBe(errorsIn(events))
    await db.close()
  })

  it('append never applies a change twice when the run is not recorded (a crash after the data)', async () => {
    const base = memoryStorage()
    const wal = memoryWal()
    const { storage, failing } = failingPuts(base, (key) => key.endsWith('/_schedule.json'))
    let db = await setup('append', storage, wal)
    const events = generateTailEvents({ count: 80, seed: 4 })
    await db.collection('TailEvents').bulkCreate(events.slice(0, 40))
    await db.runDueRefreshes(at('10:30:00'))
    failing.on = true // the data commits, recording the run fails
    expect(await db.runDueRefreshes(at('11:00:00'))).toEqual(['Errors'])
    await db.close()

    failing.on = false
    db = await setup('append', storage, wal, () => 0) // reopened: the run looks due again, at once
    await db.collection('TailEvents').bulkCreate(events.slice(40))
    expect(await db.runDueRefreshes(at('11:00:05'))).toEqual(['Errors'])
    const rows = await db.views.Errors!.find()
    expect(rows).toHaveLength(errorsIn(events))
    expect(new Set(rows.map((row) => row.$id)).size).toBe(rows.length)
    expect(db.getViewState('Errors').schedule?.nextRunAt).toBe(at('12:00:00').getTime())
    await db.close()
  })
})
