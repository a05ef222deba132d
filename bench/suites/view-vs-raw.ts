import { join } from 'node:path'
import type { Database } from '@parquedb/mv-core'
import { tailEventBatches, type TailEventRow } from '@parquedb/mv-core/testing'
import { isUnavailable, scaled, type BenchmarkDefinition, type Contest, type Trial, type Unavailable } from '../harness.ts'
import { loadDuckDB, openParquetReader, readParquet, sqlString, type DuckDBApi } from '../peers/duckdb.ts'
import { DATASET_SEED } from '../tail-dataset.ts'
import { removeWorkDir } from '../work-dir.ts'
import { INGEST_BATCH } from './view-common.ts'
import { dashboardDatabase, QUERY, SCRIPT, VIEW } from './view-query.ts'

const ROWS = 10_000_000
const MINUTE_MS = 60_000
/** Progress lines during the (untimed) build: one per this many ingested rows. */
const PROGRESS_EVERY = 1_000_000

/**
 * The dashboard's answer computed from the raw events: per minute of the script's last 60,
 * requests, errors, mean and p95 wall time (quantile_cont, which the view's sketch estimates to 1%).
 * The minute is the event's epoch ms rounded down to 60,000, the fastest of the spellings tried
 * (see bench/README.md): `date_trunc('minute', eventTimestamp)` on the TIMESTAMPTZ column goes
 * through ICU and took 6-8x as long. Minutes come back as epoch ms, as our view's are compared by.
 */
const rawSql = (files: readonly string[]) => `SELECT scriptName, epoch_ms(eventTimestamp) // 60000 * 60000 AS minute, count(*) AS requests,
  count(*) FILTER (WHERE outcome <> 'ok') AS errors, avg(wallTime) AS avgWall, quantile_cont(wallTime, 0.95) AS p95Wall
  FROM ${readParquet(files)} WHERE scriptName = ${sqlString(SCRIPT)} GROUP BY ALL ORDER BY minute DESC LIMIT 60`

/** One minute of the answer, as both sides report it. */
interface MinuteFigures {
  readonly minute: number
  readonly requests: number
  readonly errors: number
  readonly avgWall: number | null
  readonly p95Wall: number | null
}

interface Dataset {
  readonly dir: string
  /** The database the build left, reopened: the view is read from its Parquet files and cache. */
  readonly db: Database
  /** Absolute paths of the raw TailEvents Parquet files. */
  readonly files: string[]
  /** Requests and errors per minute of SCRIPT, counted from the generated events. */
  readonly generated: ReadonlyMap<number, { requests: number; errors: number }>
}

function progress(message: string): void {
  process.stderr.write(`  [view.vs.raw] ${message}\n`)
}

async function buildDataset(rows: number): Promise<Dataset | Unavailable> {
  const engine = await dashboardDatabase('view-vs-raw')
  if (isUnavailable(engine)) return engine
  const { dir, open } = engine
  let db: Database | undefined
  try {
    const generated = new Map<number, { requests: number; errors: number }>()
    const count = (batch: readonly TailEventRow[]) => {
      for (const row of batch) {
        if (row.scriptName !== SCRIPT) continue
        const at = row.eventTimestamp.getTime()
        const minute = at - (((at % MINUTE_MS) + MINUTE_MS) % MINUTE_MS)
        let figures = generated.get(minute)
        if (!figures) generated.set(minute, (figures = { requests: 0, errors: 0 }))
        figures.requests++
        if (row.outcome !== 'ok') figures.errors++
      }
    }
    const started = performance.now()
    const seconds = () => ((performance.now() - started) / 1000).toFixed(0)
    db = await open()
    const tail = db.collection('TailEvents')
    let done = 0
    for (const batch of tailEventBatches({ total: rows, batchSize: INGEST_BATCH, seed: DATASET_SEED })) {
      count(batch)
      await tail.bulkCreate(batch)
      done += batch.length
      if (done % PROGRESS_EVERY === 0 || done === rows) {
        const rss = (process.memoryUsage().rss / 2 ** 20).toFixed(0)
        progress(`${done.toLocaleString('en-US')} / ${rows.toLocaleString('en-US')} events ingested in ${seconds()} s (${Math.round(done / ((performance.now() - started) / 1000))}/s, rss ${rss} MiB)`)
      }
    }
    await db.views.drain()
    await db.flush()
    await db.close()
    db = undefined
    progress(`flushed and closed after ${seconds()} s`)
    db = await open()
    const files = (await db.collection('TailEvents').files()).map((key) => join(dir, key))
    if (files.length === 0) throw new Error('TailEvents has no Parquet files after the flush')
    progress(`reopened after ${seconds()} s: ${files.length} TailEvents Parquet files`)
    return { dir, db, files, generated }
  } catch (error) {
    await db?.close().catch(() => undefined)
    removeWorkDir(dir)
    throw error
  }
}

function minuteMs(value: unknown): number {
  return value instanceof Date ? value.getTime() : Number(value)
}

function nullableNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value)
}

function answerOf(rows: readonly Readonly<Record<string, unknown>>[]): MinuteFigures[] {
  return rows.map((row) => ({
    minute: minuteMs(row.minute),
    requests: Number(row.requests),
    errors: Number(row.errors),
    avgWall: nullableNumber(row.avgWall),
    p95Wall: nullableNumber(row.p95Wall),
  }))
}

/** Throws unless both answers hold the same minutes, in order, with the same requests. */
function checkRequests(who: string, answer: readonly MinuteFigures[], reference: readonly MinuteFigures[]): void {
  if (answer.length !== reference.length) throw new Error(`${who} returned ${answer.length} minutes, expected ${reference.length}`)
  answer.forEach((figures, index) => {
    const expected = reference[index] as MinuteFigures
    if (figures.minute !== expected.minute || figures.requests !== expected.requests) {
      throw new Error(`${who}, row ${index}: minute ${figures.minute} with ${figures.requests} requests, expected minute ${expected.minute} with ${expected.requests}`)
    }
  })
}

/**
 * Once, before timing: our view and DuckDB over the raw files agree minute by minute (requests
 * and errors exactly, mean to 1e-9, p95 to the sketch's 1%), and both agree with the generator.
 */
function compareAnswers(ours: readonly MinuteFigures[], raw: readonly MinuteFigures[], generated: Dataset['generated']): void {
  const lastMinutes = [...generated.keys()].sort((a, b) => b - a).slice(0, 60)
  if (ours.length !== lastMinutes.length) throw new Error(`the view answered ${ours.length} minutes, the generator has ${lastMinutes.length}`)
  checkRequests('duckdb', raw, ours)
  const close = (a: number | null, b: number | null, relative: number) => (a === null || b === null ? a === b : Math.abs(a - b) <= relative * Math.max(1, Math.abs(b)))
  ours.forEach((figures, index) => {
    const theirs = raw[index] as MinuteFigures
    const counted = generated.get(lastMinutes[index] as number)
    if (figures.minute !== lastMinutes[index] || figures.requests !== counted?.requests || figures.errors !== counted.errors) {
      throw new Error(`minute ${figures.minute}: the view has ${JSON.stringify(figures)}, the generator ${lastMinutes[index]} ${JSON.stringify(counted ?? null)}`)
    }
    if (figures.errors !== theirs.errors || !close(figures.avgWall, theirs.avgWall, 1e-9) || !close(figures.p95Wall, theirs.p95Wall, 0.01 * (1 + 1e-9))) {
      throw new Error(`minute ${figures.minute}: the view has ${JSON.stringify(figures)}, duckdb ${JSON.stringify(theirs)}`)
    }
  })
}

/**
 * `view.vs.raw.10m`: the dashboard's answer (one script's per-minute requests, errors, mean and
 * p95 wall time over its last 60 minutes) read from the streaming view on an open database,
 * against DuckDB computing it from the 10M raw events' Parquet files in the same run.
 */
export const viewVsRawBenchmark: BenchmarkDefinition = {
  id: 'view.vs.raw.10m',
  metric: 'p50_ms',
  unit: 'ms',
  better: 'lower',
  peer: 'duckdb',
  // The goal is the view answering at least 100x faster than DuckDB over the raw
  // Parquet, i.e. a ratio of at least 100; it names no absolute figure.
  target: null,
  repetitions: 21,
  description: `one script's last 60 minutes (requests, errors, avg and p95 wall time per minute) from the per-minute view of ${ROWS / 1e6}M events on an open database (peer: DuckDB grouping the raw TailEvents Parquet files, same connection)`,
  prepare: async (scale) => {
    const [dataset, duckdb] = await Promise.all([buildDataset(scaled(ROWS, scale)), loadDuckDB()])
    if (isUnavailable(dataset)) return { ours: dataset, peer: { unavailable: 'needs the Parquet files ParqueDB writes' }, dispose: async () => undefined }
    try {
      return await contest(dataset, duckdb)
    } catch (error) {
      await dataset.db.close().catch(() => undefined)
      removeWorkDir(dataset.dir)
      throw error
    }
  },
}

async function contest(dataset: Dataset, duckdb: DuckDBApi | Unavailable): Promise<Contest> {
  const { db } = dataset
  const readOurs = async (): Promise<{ answer: MinuteFigures[]; elapsed: number }> => {
    const started = performance.now()
    const rows = await db.views[VIEW]!.find(QUERY.filter, QUERY.options)
    const elapsed = performance.now() - started
    if (rows.meta.stale) throw new Error('the view answered stale')
    return { answer: answerOf(rows), elapsed }
  }
  const dispose = async () => {
    await db.close()
    removeWorkDir(dataset.dir)
  }
  const reference = (await readOurs()).answer
  const ours: Trial = async () => {
    const { answer, elapsed } = await readOurs()
    checkRequests('find', answer, reference)
    return elapsed
  }
  if (isUnavailable(duckdb)) return { ours, peer: duckdb, dispose }

  const reader = await openParquetReader(duckdb)
  try {
    const sql = rawSql(dataset.files)
    const readRaw = async () => {
      const started = performance.now()
      const rows = (await reader.connection.runAndReadAll(sql)).getRowObjectsJS()
      return { answer: answerOf(rows), elapsed: performance.now() - started }
    }
    const first = await readRaw()
    progress(`first DuckDB answer over the raw files: ${first.elapsed.toFixed(0)} ms`)
    compareAnswers(reference, first.answer, dataset.generated)
    const peer: Trial = async () => {
      const { answer, elapsed } = await readRaw()
      checkRequests('duckdb', answer, reference)
      return elapsed
    }
    return {
      ours,
      peer,
      dispose: async () => {
        reader.close()
        await dispose()
      },
    }
  } catch (error) {
    reader.close()
    throw error
  }
}
