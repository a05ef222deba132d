import { join } from 'node:path'
import { Database } from '@parquedb/mv-core'
import { fsStorage, fsWal } from '@parquedb/mv-core/fs'
import { tailEventBatches, type TailEventRow } from '@parquedb/mv-core/testing'
import { createTailHandler, toTailEvent, type TailEventInput } from '@parquedb/tail'
import { TailEvents, tailViews } from '@parquedb/views-catalog/tail'
import { isUnavailable, scaled, type BenchmarkDefinition, type Contest, type Scale, type Trial } from '../harness.ts'
import { loadChdb, openChdbTailStore, type ChdbTailRow } from '../peers/chdb-tail.ts'
import { makeWorkDir, removeWorkDir } from '../work-dir.ts'

/**
 * ingest.tail.batch10k with the tail pack kept current: TraceItems go through createTailHandler
 * in batches of 10k (mapping included) into a fresh fs database whose WorkerLogs, WorkerErrors,
 * WorkerRequests and EndpointMetrics views are streaming; the clock stops once the last batch is
 * durable and every view has taken it in. The peer is ClickHouse (chdb) on disk, one INSERT per
 * batch into a MergeTree table with the same four views as materialized views.
 */
const SEED = 424242
const BATCH = 10_000
const EVENTS = 300_000

export const ingestTailPackBenchmark: BenchmarkDefinition = {
  id: 'ingest.tail.pack',
  metric: 'events_per_s',
  unit: '1/s',
  better: 'higher',
  peer: 'chdb',
  // The goal is relative: >= 80% of ingest.tail.batch10k's rate (target 300k/s there).
  target: 240_000,
  description: `createTailHandler, ${BATCH} TraceItems per batch, tail pack as streaming views, drained (peer: ClickHouse MergeTree + 4 materialized views, one INSERT per batch)`,
  prepare: (scale) => prepareIngest(scale),
}

async function prepareIngest(scale: Scale): Promise<Contest> {
  const batches = [...tailEventBatches({ total: scaled(EVENTS, scale), batchSize: BATCH, seed: SEED })]
  const items = batches.map((batch) => batch.map(asTraceItem))
  const total = items.reduce((sum, batch) => sum + batch.length, 0)
  const expected = expectedCounts(batches.flat())
  const chdb = await loadChdb()
  return {
    ours: oursTrial(items, total, expected),
    peer: isUnavailable(chdb) ? chdb : peerTrial(chdb, items.map((batch) => batch.map((item) => asChdbRow(toTailEvent(item)))), total, expected),
    dispose: async () => undefined,
  }
}

/** The shape the Workers runtime delivers: epoch-millisecond timestamp, version as an object. */
function asTraceItem(row: TailEventRow) {
  return { ...row, eventTimestamp: row.eventTimestamp.getTime(), scriptVersion: row.scriptVersion === null ? undefined : { id: row.scriptVersion } }
}

type Counts = [events: number, logs: number, errors: number, requests: number]

function expectedCounts(rows: readonly TailEventRow[]): Counts {
  let logs = 0
  let errors = 0
  let requests = 0
  for (const row of rows) {
    logs += row.logs.length
    if (row.outcome !== 'ok' || row.exceptions.length > 0) errors++
    if (row.event !== null && 'request' in row.event) requests++
  }
  return [rows.length, logs, errors, requests]
}

function oursTrial(items: readonly object[][], total: number, expected: Counts): Trial {
  return async () => {
    const dir = makeWorkDir('ingest-pack')
    try {
      const db = await Database.open({ storage: fsStorage({ root: dir }), wal: fsWal({ root: join(dir, '_wal') }), schema: { TailEvents, ...tailViews } })
      try {
        const handler = createTailHandler(db)
        const started = performance.now()
        for (const batch of items) {
          const stats = await handler(batch)
          if (stats.stored !== batch.length) throw new Error(`the handler stored ${stats.stored} of ${batch.length} items`)
        }
        // Reading a view waits until it (and the views it reads) has taken in every change.
        const metrics = await db.view('EndpointMetrics').find({}, { project: ['requestCount'] })
        await Promise.all(['WorkerLogs', 'WorkerErrors', 'WorkerRequests'].map((name) => db.view(name).findOne({})))
        const elapsed = performance.now() - started
        const got: Counts = [(await db.collection('TailEvents').find({}, { project: ['$id'] })).length, await db.view('WorkerLogs').count(), await db.view('WorkerErrors').count(), await db.view('WorkerRequests').count()]
        const metricRequests = metrics.reduce((sum, row) => sum + (row.requestCount as number), 0)
        if (got.join() !== expected.join() || metricRequests !== expected[3]) throw new Error(`views hold ${got.join()}/${metricRequests}, expected ${expected.join()}/${expected[3]}`)
        return total / (elapsed / 1000)
      } finally {
        await db.close()
      }
    } finally {
      removeWorkDir(dir)
    }
  }
}

function peerTrial(chdb: Parameters<typeof openChdbTailStore>[0], rows: readonly ChdbTailRow[][], total: number, expected: Counts): Trial {
  return async () => {
    const dir = makeWorkDir('ingest-pack-chdb')
    const store = openChdbTailStore(chdb, dir)
    try {
      const started = performance.now()
      for (const batch of rows) await store.appendBatch(batch)
      const elapsed = performance.now() - started
      const got = store.counts()
      if (got.join() !== [...expected, expected[3]].join()) throw new Error(`chdb holds ${got.join()}, expected ${[...expected, expected[3]].join()}`)
      return total / (elapsed / 1000)
    } finally {
      store.close()
      removeWorkDir(dir)
    }
  }
}

/** The same row for ClickHouse: variants as JSON text, the timestamp as ClickHouse reads it. */
function asChdbRow(row: TailEventInput): ChdbTailRow {
  return {
    ...row,
    eventTimestamp: row.eventTimestamp.toISOString().replace('T', ' ').replace('Z', ''),
    event: JSON.stringify(row.event ?? {}),
    logs: JSON.stringify(row.logs),
    exceptions: JSON.stringify(row.exceptions),
  }
}
