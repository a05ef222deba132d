import { join } from 'node:path'
import type { Database } from '@parquedb/mv-core'
import { tailEventBatches, tailEventsDefinition } from '@parquedb/mv-core/testing'
import { isUnavailable, scaled, type BenchmarkDefinition, type Contest, type Trial, type Unavailable } from '../harness.ts'
import { loadDuckDB, openParquetReader, readParquet, type DuckDBApi } from '../peers/duckdb.ts'
import { DATASET_SEED } from '../tail-dataset.ts'
import { makeWorkDir, removeWorkDir } from '../work-dir.ts'
import { INGEST_BATCH } from './view-common.ts'

const ROWS = 1_000_000
/** The dashboard view's name and the script whose panel the dashboard shows. */
export const VIEW = 'ScriptMinutes'
export const SCRIPT = 'api-gateway'

/** A dashboard's view: per script and minute, requests, errors, mean and p95 wall time. */
const dashboardView = {
  $from: 'TailEvents',
  $groupBy: ['scriptName', { minute: '$eventTimestamp' }],
  $compute: {
    requests: { $count: '*' },
    errors: { $sum: { $cond: [{ $ne: ['$outcome', 'ok'] }, 1, 0] } },
    avgWall: { $avg: 'wallTime' },
    p95Wall: { $percentile: ['wallTime', 0.95] },
  },
}

/** The dashboard's question: one script's last 60 minutes. */
export const QUERY = { filter: { scriptName: SCRIPT }, options: { sort: { minute: -1 as const }, limit: 60 } }
const peerSql = (files: readonly string[]) =>
  `SELECT "$id", scriptName, minute, requests, errors, avgWall, p95Wall FROM ${readParquet(files)} WHERE scriptName = '${SCRIPT}' ORDER BY minute DESC LIMIT 60`

interface Dataset {
  readonly dir: string
  readonly open: () => Promise<Database>
  readonly expected: number
  /** Absolute paths of the view's live Parquet files. */
  readonly files: string[]
}

/**
 * A fresh work directory and an opener of the dashboard database in it (TailEvents and the
 * per-minute view, fs storage, external scheduler), loaded through the engine's public entries.
 */
export async function dashboardDatabase(workName: string): Promise<{ readonly dir: string; readonly open: () => Promise<Database> } | Unavailable> {
  let mvCore: typeof import('@parquedb/mv-core')
  let fs: typeof import('@parquedb/mv-core/fs')
  try {
    ;[mvCore, fs] = await Promise.all([import('@parquedb/mv-core'), import('@parquedb/mv-core/fs')])
  } catch (error) {
    return { unavailable: `engine not available: ${error instanceof Error ? error.message : String(error)}` }
  }
  const dir = makeWorkDir(workName)
  const open = () =>
    mvCore.Database.open({
      storage: fs.fsStorage({ root: dir }),
      wal: fs.fsWal({ root: join(dir, '_wal') }),
      schema: { TailEvents: tailEventsDefinition, [VIEW]: dashboardView },
      scheduler: 'external',
    })
  return { dir, open }
}

async function buildDataset(rows: number): Promise<Dataset | Unavailable> {
  const engine = await dashboardDatabase('view-query')
  if (isUnavailable(engine)) return engine
  const { dir, open } = engine
  const db = await open()
  try {
    for (const batch of tailEventBatches({ total: rows, batchSize: INGEST_BATCH, seed: DATASET_SEED })) await db.collection('TailEvents').bulkCreate(batch)
    await db.flush()
    const expected = (await db.views[VIEW]!.find(QUERY.filter, QUERY.options)).length
    const snapshot = db.views.get(VIEW).table.committed
    const files = [...snapshot.files.keys()].map((path) => join(dir, '_views', VIEW, path))
    return { dir, open, expected, files }
  } finally {
    await db.close()
  }
}

function defineQueryBenchmark(id: string, cold: boolean, target: number): BenchmarkDefinition {
  return {
    id,
    metric: 'p50_ms',
    unit: 'ms',
    better: 'lower',
    peer: 'duckdb',
    target,
    repetitions: 21,
    description: cold
      ? `first query on a freshly opened database: one script's last 60 minutes from a per-minute view of ${ROWS / 1e6}M events, read from Parquet (peer: a fresh DuckDB instance, the same query over the view's files)`
      : `the same dashboard query on an open database, repeated (peer: DuckDB over the view's files, same connection)`,
    prepare: async (scale) => {
      const [dataset, duckdb] = await Promise.all([buildDataset(scaled(ROWS, scale)), loadDuckDB()])
      if (isUnavailable(dataset)) return { ours: dataset, peer: { unavailable: 'needs the Parquet files ParqueDB writes' }, dispose: async () => undefined }
      return contest(dataset, duckdb, cold)
    },
  }
}

async function contest(dataset: Dataset, duckdb: DuckDBApi | Unavailable, cold: boolean): Promise<Contest> {
  const check = (found: number, who: string) => {
    if (found !== dataset.expected) throw new Error(`${who} returned ${found} rows, expected ${dataset.expected}`)
  }
  let hot: Database | undefined
  const ours: Trial = async () => {
    const db = cold ? await dataset.open() : (hot ??= await dataset.open())
    try {
      const started = performance.now()
      const rows = await db.views[VIEW]!.find(QUERY.filter, QUERY.options)
      const elapsed = performance.now() - started
      check(rows.length, 'find')
      if (rows.meta.stale) throw new Error('the view answered stale')
      return elapsed
    } finally {
      if (cold) await db.close()
    }
  }
  const dispose = async () => {
    await hot?.close()
    removeWorkDir(dataset.dir)
  }
  if (isUnavailable(duckdb)) return { ours, peer: duckdb, dispose }
  const sql = peerSql(dataset.files)
  let shared: Awaited<ReturnType<typeof openParquetReader>> | undefined
  const peer: Trial = async () => {
    const reader = cold ? await openParquetReader(duckdb) : (shared ??= await openParquetReader(duckdb))
    try {
      const started = performance.now()
      const rows = (await reader.connection.runAndReadAll(sql)).getRowObjectsJS()
      const elapsed = performance.now() - started
      check(rows.length, 'duckdb')
      return elapsed
    } finally {
      if (cold) reader.close()
    }
  }
  return {
    ours,
    peer,
    dispose: async () => {
      shared?.close()
      await dispose()
    },
  }
}

export const viewQueryBenchmarks: readonly BenchmarkDefinition[] = [
  defineQueryBenchmark('view.query.hot', false, 1),
  defineQueryBenchmark('view.query.cold', true, 10),
]
