import { join } from 'node:path'
import { tailEventBatches, type TailEventRow } from '@parquedb/mv-core/testing'
import { isUnavailable, scaled, type BenchmarkDefinition, type Contest, type Scale, type Trial } from '../harness.ts'
import { loadParqueDB, type ParqueDB } from '../parquedb.ts'
import { loadDuckDB, type DuckDBApi } from '../peers/duckdb.ts'
import { openDuckTailStore, type DuckTailStore } from '../peers/duckdb-tail.ts'
import { runConcurrently } from '../run-concurrently.ts'
import { makeWorkDir, removeWorkDir } from '../work-dir.ts'

/**
 * Durable ingest of tail events into a fresh fs-backed database: the clock runs from the first
 * write to the last acknowledgement (WAL durable), and events are generated beforehand, so
 * neither generation nor the final flush/close is timed. The peer is a persistent DuckDB file
 * committing once per batch.
 *
 * batch1 models a server under load: CONCURRENCY single-event creates are always in flight, so
 * the engine can group-commit them; the peer gets the same load as CONCURRENCY connections, each
 * running an autocommit single-row INSERT.
 */
const CONCURRENCY = 64
const SEED = 424242

interface IngestShape {
  readonly id: string
  readonly batchSize: number
  /** Events per repetition at full scale. */
  readonly events: number
  readonly target: number | null
}

const SHAPES: readonly IngestShape[] = [
  { id: 'ingest.tail.batch1', batchSize: 1, events: 10_000, target: 20_000 },
  { id: 'ingest.tail.batch100', batchSize: 100, events: 100_000, target: null },
  { id: 'ingest.tail.batch10k', batchSize: 10_000, events: 300_000, target: 300_000 },
]

export const ingestTailBenchmarks: readonly BenchmarkDefinition[] = SHAPES.map((shape) => ({
  id: shape.id,
  metric: 'events_per_s',
  unit: '1/s',
  better: 'higher',
  peer: 'duckdb',
  target: shape.target,
  description:
    shape.batchSize === 1
      ? `durable ingest, ${CONCURRENCY} concurrent single-event creates in flight (peer: ${CONCURRENCY} connections, autocommit INSERT each)`
      : `durable ingest, bulkCreate of ${shape.batchSize} events per call (peer: one appender and commit per batch)`,
  prepare: (scale) => prepareIngest(shape, scale),
}))

async function prepareIngest(shape: IngestShape, scale: Scale): Promise<Contest> {
  const batches = [...tailEventBatches({ total: scaled(shape.events, scale), batchSize: shape.batchSize, seed: SEED })]
  const rows = shape.batchSize === 1 ? batches.map((batch) => batch[0] as TailEventRow) : []
  const total = batches.reduce((sum, batch) => sum + batch.length, 0)
  const [engine, duckdb] = await Promise.all([loadParqueDB(), loadDuckDB()])
  return {
    ours: isUnavailable(engine) ? engine : oursTrial(engine, shape, batches, rows, total),
    peer: isUnavailable(duckdb) ? duckdb : peerTrial(duckdb, shape, batches, rows, total),
    dispose: async () => undefined,
  }
}

function oursTrial(engine: ParqueDB, shape: IngestShape, batches: readonly TailEventRow[][], rows: readonly TailEventRow[], total: number): Trial {
  return async () => {
    const dir = makeWorkDir('ingest')
    try {
      const db = await engine.open(dir)
      try {
        const tail = db.collection('TailEvents')
        const workers = Array.from({ length: CONCURRENCY }, () => (row: TailEventRow) => tail.create(row))
        const started = performance.now()
        if (shape.batchSize === 1) await runConcurrently(rows, workers)
        else for (const batch of batches) await tail.bulkCreate(batch)
        const elapsed = performance.now() - started
        // The same rows feed every repetition and the peer: they must come back untouched.
        if ('$id' in (batches[0]?.[0] ?? {})) throw new Error('the engine added $id to an input row; the benchmark needs inputs left unchanged')
        return total / (elapsed / 1000)
      } finally {
        await db.close()
      }
    } finally {
      removeWorkDir(dir)
    }
  }
}

function peerTrial(duckdb: DuckDBApi, shape: IngestShape, batches: readonly TailEventRow[][], rows: readonly TailEventRow[], total: number): Trial {
  return async () => {
    const dir = makeWorkDir('ingest-duckdb')
    let store: DuckTailStore | undefined
    try {
      store = await openDuckTailStore(duckdb, join(dir, 'tail.duckdb'))
      const writers = shape.batchSize === 1 ? await store.singleRowWriters(CONCURRENCY) : []
      const opened = store
      const started = performance.now()
      if (shape.batchSize === 1) await runConcurrently(rows, writers)
      else for (const batch of batches) await opened.appendBatch(batch)
      const elapsed = performance.now() - started
      const stored = await opened.count()
      if (stored !== total) throw new Error(`duckdb holds ${stored} rows, expected ${total}`)
      return total / (elapsed / 1000)
    } finally {
      store?.close()
      removeWorkDir(dir)
    }
  }
}
