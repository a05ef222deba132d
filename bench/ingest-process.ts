/**
 * Child-process entry for memory benchmarks: ingests generated tail events into a fresh store,
 * then prints one JSON line `{ "events", "seconds", "maxRssMb" }`. Running in its own process
 * keeps the peak RSS free of the runner's own memory and of the other side's.
 *
 *   tsx bench/ingest-process.ts <parquedb|duckdb> <dir> <total> <batchSize> <seed>
 */
import { join } from 'node:path'
import { tailEventBatches } from '@parquedb/mv-core/testing'
import { isUnavailable } from './harness.ts'
import { loadParqueDB } from './parquedb.ts'
import { loadDuckDB } from './peers/duckdb.ts'
import { openDuckTailStore } from './peers/duckdb-tail.ts'

const [side, dir, totalArgument, batchArgument, seedArgument] = process.argv.slice(2)
const total = Number(totalArgument)
const batchSize = Number(batchArgument)
const seed = Number(seedArgument)
if ((side !== 'parquedb' && side !== 'duckdb') || dir === undefined || !(total > 0) || !(batchSize > 0) || !Number.isInteger(seed)) {
  throw new Error(`usage: ingest-process.ts <parquedb|duckdb> <dir> <total> <batchSize> <seed>, got ${process.argv.slice(2).join(' ')}`)
}

const batches = tailEventBatches({ total, batchSize, seed })
const started = performance.now()
if (side === 'parquedb') {
  const engine = await loadParqueDB()
  if (isUnavailable(engine)) throw new Error(engine.unavailable)
  const db = await engine.open(dir)
  const tail = db.collection('TailEvents')
  for (const batch of batches) await tail.bulkCreate(batch)
  await db.close()
} else {
  const duckdb = await loadDuckDB()
  if (isUnavailable(duckdb)) throw new Error(duckdb.unavailable)
  const store = await openDuckTailStore(duckdb, join(dir, 'tail.duckdb'))
  for (const batch of batches) await store.appendBatch(batch)
  const stored = await store.count()
  store.close()
  if (stored !== total) throw new Error(`duckdb holds ${stored} rows, expected ${total}`)
}
const seconds = (performance.now() - started) / 1000
// maxRSS is the process's high-water mark, in kilobytes.
process.stdout.write(`${JSON.stringify({ events: total, seconds, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`)
