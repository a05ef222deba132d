import { isAbsolute, join } from 'node:path'
import type { Collection, Database } from '@parquedb/mv-core'
import { tailEventBatches, tailEventsDefinition, type TailEventRow } from '@parquedb/mv-core/testing'
import type { Unavailable } from '../harness.ts'
import { DATASET_SEED } from '../tail-dataset.ts'
import { makeWorkDir, removeWorkDir } from '../work-dir.ts'

/** The grouped view the view benchmarks maintain: per script and UTC hour, count, mean and max wall time. */
export const VIEW_NAME = 'ScriptStats'

export const scriptStatsView = Object.freeze({
  $from: 'TailEvents',
  $groupBy: ['scriptName', { hour: '$eventTimestamp' }],
  $compute: { requests: { $count: '*' }, avgWall: { $avg: 'wallTime' }, maxWall: { $max: 'wallTime' } },
})

/** The same aggregation in DuckDB SQL, over a relation with the TailEvents columns. */
export function scriptStatsSql(source: string): string {
  return `SELECT "scriptName", epoch_ms(date_trunc('hour', "eventTimestamp")) AS hour, count(*)::BIGINT AS requests,
    avg("wallTime")::DOUBLE AS avgWall, max("wallTime")::INTEGER AS maxWall FROM ${source} GROUP BY ALL`
}

export const INGEST_BATCH = 10_000
const HOUR_MS = 3_600_000

/** Opens an fs-backed database holding `TailEvents` and, when asked, the `ScriptStats` streaming view. */
export interface ViewEngine {
  open(dir: string, options: { withView: boolean }): Promise<Database>
}

let loaded: Promise<ViewEngine | Unavailable> | undefined

/** Loads the engine through its public entry points, as bench/parquedb.ts does, with the view in the schema. */
export function loadViewEngine(): Promise<ViewEngine | Unavailable> {
  loaded ??= load()
  return loaded
}

async function load(): Promise<ViewEngine | Unavailable> {
  try {
    const [{ Database }, { fsStorage, fsWal }] = await Promise.all([import('@parquedb/mv-core'), import('@parquedb/mv-core/fs')])
    return {
      open: (dir, { withView }) =>
        Database.open({
          storage: fsStorage({ root: dir }),
          wal: fsWal({ root: join(dir, '_wal') }),
          schema: withView ? { TailEvents: tailEventsDefinition, [VIEW_NAME]: scriptStatsView } : { TailEvents: tailEventsDefinition },
        }),
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    return { unavailable: `engine not available: ${message.split('\n')[0] ?? message}` }
  }
}

/** One group of the view, as both sides report it. */
export interface GroupFigures {
  requests: number
  avgWall: number | null
  maxWall: number | null
}

/** Group key: script name and the epoch ms of the UTC hour. */
export function groupKey(scriptName: unknown, hour: unknown): string {
  const ms = hour instanceof Date ? hour.getTime() : Number(hour)
  return `${String(scriptName)}|${ms}`
}

/** What the view must hold for these rows, computed in plain JS from the generated events. */
export class ExpectedGroups {
  private readonly sums = new Map<string, { requests: number; wallSum: number; wallCount: number; maxWall: number | null }>()

  add(rows: readonly TailEventRow[]): void {
    for (const row of rows) {
      const at = row.eventTimestamp.getTime()
      const key = groupKey(row.scriptName, at - (((at % HOUR_MS) + HOUR_MS) % HOUR_MS))
      let group = this.sums.get(key)
      if (!group) this.sums.set(key, (group = { requests: 0, wallSum: 0, wallCount: 0, maxWall: null }))
      group.requests++
      if (row.wallTime !== null) {
        group.wallSum += row.wallTime
        group.wallCount++
        group.maxWall = group.maxWall === null ? row.wallTime : Math.max(group.maxWall, row.wallTime)
      }
    }
  }

  get groups(): number {
    return this.sums.size
  }

  get requests(): number {
    let total = 0
    for (const group of this.sums.values()) total += group.requests
    return total
  }
}

/** Our view's rows by group key. */
export async function readViewGroups(db: Database): Promise<Map<string, GroupFigures>> {
  const rows = await db.views.find(VIEW_NAME, {})
  return new Map(rows.map((row) => [groupKey(row.scriptName, row.hour), figures(row)]))
}

export function figures(row: Readonly<Record<string, unknown>>): GroupFigures {
  const nullable = (value: unknown) => (value === null || value === undefined ? null : Number(value))
  return { requests: Number(row.requests), avgWall: nullable(row.avgWall), maxWall: nullable(row.maxWall) }
}

/** Throws unless both sides hold the same groups with the same count, max and (to 1e-9) mean. */
export function compareGroups(left: string, leftGroups: ReadonlyMap<string, GroupFigures>, right: string, rightGroups: ReadonlyMap<string, GroupFigures>): void {
  const total = (groups: ReadonlyMap<string, GroupFigures>) => [...groups.values()].reduce((sum, group) => sum + group.requests, 0)
  if (leftGroups.size !== rightGroups.size || total(leftGroups) !== total(rightGroups)) {
    throw new Error(`${left} has ${leftGroups.size} groups counting ${total(leftGroups)} rows, ${right} ${rightGroups.size} counting ${total(rightGroups)}`)
  }
  for (const [key, ours] of leftGroups) {
    const theirs = rightGroups.get(key)
    const close = (a: number | null, b: number | null) => (a === null || b === null ? a === b : Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)))
    if (!theirs || ours.requests !== theirs.requests || ours.maxWall !== theirs.maxWall || !close(ours.avgWall, theirs.avgWall)) {
      throw new Error(`group ${key}: ${left} ${JSON.stringify(ours)}, ${right} ${JSON.stringify(theirs ?? null)}`)
    }
  }
}

/** A database holding `rows` generated tail events, flushed to Parquet, with the view maintained. */
export interface ViewDataset {
  readonly db: Database
  readonly tail: Collection
  readonly dir: string
  readonly expected: ExpectedGroups
  /** Absolute paths of the live Parquet data files of TailEvents. */
  files(): Promise<string[]>
  close(): Promise<void>
}

/** Ingests (untimed) the same events as bench/tail-dataset.ts, with the view declared, then flushes. */
export async function buildViewDataset(engine: ViewEngine, rows: number): Promise<ViewDataset> {
  const dir = makeWorkDir('view-dataset')
  let db: Database | undefined
  try {
    db = await engine.open(dir, { withView: true })
    const tail = db.collection('TailEvents')
    const expected = new ExpectedGroups()
    for (const batch of tailEventBatches({ total: rows, batchSize: INGEST_BATCH, seed: DATASET_SEED })) {
      expected.add(batch)
      await tail.bulkCreate(batch)
    }
    await db.flush()
    await db.views.drain()
    const opened = db
    return {
      db: opened,
      tail,
      dir,
      expected,
      files: async () => (await tail.files()).map((file) => (isAbsolute(file) ? file : join(dir, file))),
      close: async () => {
        await opened.close()
        removeWorkDir(dir)
      },
    }
  } catch (error) {
    await db?.close().catch(() => undefined)
    removeWorkDir(dir)
    throw error
  }
}
