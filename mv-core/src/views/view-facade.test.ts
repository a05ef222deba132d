import { describe, expect, it } from 'vitest'
import { Collection } from '../collection.ts'
import { Database } from '../database.ts'
import { memoryStorage } from '../storage/memory.ts'
import { generateTailEvents, tailEventsDefinition } from '../testing/tail-events.ts'
import { defineView } from './define/define-view.ts'
import { ViewHandle } from './view-handle.ts'

/** A reusable view, defined apart from any database. */
const ScriptErrors = defineView({
  $from: 'TailEvents',
  $filter: { outcome: { $ne: 'ok' } },
  $groupBy: ['scriptName'],
  $compute: { errors: { $count: '*' }, maxWall: { $max: 'wallTime' } },
})

async function open() {
  const db = await Database.open({ storage: memoryStorage(), schema: { TailEvents: tailEventsDefinition, ScriptErrors } })
  const events = generateTailEvents({ count: 400, seed: 11 })
  await db.collection('TailEvents').bulkCreate(events)
  const expected = new Map<string, number>()
  for (const event of events) if (event.outcome !== 'ok') expected.set(event.scriptName, (expected.get(event.scriptName) ?? 0) + 1)
  return { db, expected }
}

describe('defineView', () => {
  it('gives a frozen definition any database takes under its own name', async () => {
    expect(Object.isFrozen(ScriptErrors)).toBe(true)
    expect(Object.isFrozen(ScriptErrors.$compute)).toBe(true)
    const { db, expected } = await open()
    const rows = await db.views.ScriptErrors!.find({}, { sort: { errors: -1 } })
    expect(new Map(rows.map((row) => [row.scriptName, row.errors]))).toEqual(expected)
    expect(rows.map((row) => row.errors)).toEqual([...expected.values()].sort((a, b) => b - a))
    await db.close()
  })

  it('rejects what it can check without the source, naming the view and the directive', () => {
    expect(() => defineView({ $from: 'TailEvents', $fliter: {} } as never)).toThrow(/view "\(defineView\)": \$fliter: unknown directive \(did you mean \$filter\?\)/)
    expect(() => defineView({ $type: 'Broken', $from: '' })).toThrow(/view "Broken": \$from: expected the name of a collection or view/)
    expect(() => defineView({ $type: 'Broken', $from: 'T', $compute: { n: { $summ: 'x' } } })).toThrow(/view "Broken": \$compute\.n: unknown operator \$summ/)
    expect(() => defineView({ $type: 'Broken', $from: 'T', total: 'int' } as never)).toThrow(/view "Broken": total: a view definition holds only directives/)
    expect(() => defineView(null as never)).toThrow(/definition must be an object/)
  })

  it('leaves what needs the source to the database, which names the view', async () => {
    const Orphan = defineView({ $from: 'Nowhere' })
    await expect(Database.open({ storage: memoryStorage(), schema: { TailEvents: tailEventsDefinition, Orphan } })).rejects.toThrow(/view "Orphan": \$from: unknown source "Nowhere"/)
  })
})

describe('reading views as collections are read', () => {
  it('db.views.X and db.X: find with options, findOne, get, count, state, refresh', async () => {
    const { db, expected } = await open()
    const [top] = [...expected].sort((a, b) => b[1] - a[1])
    const view = db.views.ScriptErrors as ViewHandle
    expect(view).toBeInstanceOf(ViewHandle)
    expect(db.ScriptErrors).toBe(view)
    expect(await view.find({ scriptName: top![0] }, { project: ['errors'] })).toEqual([{ $id: `["${top![0]}"]`, errors: top![1] }])
    expect(await (db.ScriptErrors as ViewHandle).findOne({}, { sort: { errors: -1 } })).toMatchObject({ scriptName: top![0], errors: top![1] })
    expect(await view.get(`["${top![0]}"]`)).toMatchObject({ errors: top![1] })
    expect(await view.get('["nope"]')).toBeNull()
    expect(await view.count()).toBe(expected.size)
    expect(await view.count({ errors: { $gte: top![1] } })).toBe(1)
    expect(view.state()).toMatchObject({ name: 'ScriptErrors', state: 'fresh' })
    await view.refresh({ full: true })
    expect(await view.count()).toBe(expected.size)
    await expect(view.find({}, { limt: 3 } as never)).rejects.toThrow(/unknown find option "limt"/)

    // Collections are entries too; members of the database keep their meaning.
    expect(db.TailEvents).toBeInstanceOf(Collection)
    expect(await (db.TailEvents as Collection).find({}, { limit: 2 })).toHaveLength(2)
    expect('ScriptErrors' in db && 'TailEvents' in db && 'close' in db).toBe(true)
    expect(db.Nope).toBeUndefined()
    expect(typeof db.views.list).toBe('function')
    expect(db.views.list().map((state) => state.name)).toEqual(['ScriptErrors'])
    expect(() => db.view('Nope')).toThrow(/unknown view "Nope" \(known: ScriptErrors\)/)
    await db.close()
  })

  it('reads a view as of an earlier time', async () => {
    const { db } = await open()
    await db.flush()
    const before = await db.views.ScriptErrors!.count()
    await new Promise((resolve) => setTimeout(resolve, 5))
    const instant = new Date()
    await new Promise((resolve) => setTimeout(resolve, 5))
    await db.collection('TailEvents').create({ ...generateTailEvents({ count: 1, seed: 99 })[0]!, scriptName: 'brand-new', outcome: 'exception' })
    await db.flush()
    expect(await db.views.ScriptErrors!.count()).toBe(before + 1)
    expect(await db.views.ScriptErrors!.find({}, { asOf: instant })).toHaveLength(before)
    await db.close()
  })
})

describe('adding views to an open database', () => {
  it('db.defineView and db.registerView take definitions named by $type', async () => {
    const { db, expected } = await open()
    await db.defineView({ $type: 'Failures', $from: 'TailEvents', $filter: { outcome: { $ne: 'ok' } }, $refresh: { mode: 'streaming' } })
    expect(await db.views.Failures!.count()).toBe([...expected.values()].reduce((sum, n) => sum + n, 0))
    await db.registerView(defineView({ $type: 'PerScript', $from: 'Failures', $groupBy: ['scriptName'], $compute: { n: { $count: '*' } } }))
    expect(new Map((await db.views.PerScript!.find()).map((row) => [row.scriptName, row.n]))).toEqual(expected)
    await expect(db.registerView({ $from: 'TailEvents' })).rejects.toThrow(/registerView: name the view/)
    await expect(db.defineView({ $type: 'ScriptErrors', $from: 'TailEvents' })).rejects.toThrow(/view "ScriptErrors": the name is already taken by a view/)
    await db.close()
  })
})
