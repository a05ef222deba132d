// `npm start` until the platform's server lands: ingests a realistic tail-event load into
// ./data through the engine, then answers a few dashboard-style queries from the Parquet files.
import { join, resolve } from 'node:path'
import { Database } from '@parquedb/mv-core'
import { fsStorage, fsWal, workerEncoder } from '@parquedb/mv-core/fs'
import { tailEventBatches, tailEventsDefinition } from '@parquedb/mv-core/testing'

const dataDir = resolve(process.env.PARQUEDB_DATA ?? './data')
const total = Number(process.env.DEMO_EVENTS ?? 200_000)

const db = await Database.open({
  storage: fsStorage({ root: dataDir }),
  wal: fsWal({ root: join(dataDir, '_wal') }),
  schema: { TailEvents: tailEventsDefinition },
  encoder: workerEncoder(), // flushes encode Parquet on the second core
})
const tail = db.collection('TailEvents')
process.on('SIGINT', () => {
  // Ctrl-C: everything acknowledged is in the WAL already; flush it to Parquet and leave.
  void db.close().then(() => process.exit(130))
})

console.log(`ParqueDB demo: ingesting ${total.toLocaleString()} tail events into ${dataDir}`)
const started = performance.now()
let ingested = 0
for (const batch of tailEventBatches({ total, batchSize: 10_000, seed: Date.now() })) {
  await tail.bulkCreate(batch)
  ingested += batch.length
  process.stdout.write(`\r  ${ingested.toLocaleString()} / ${total.toLocaleString()} events acknowledged`)
}
await db.flush()
const seconds = (performance.now() - started) / 1000
console.log(`\n  done in ${seconds.toFixed(1)} s (${Math.round(ingested / seconds).toLocaleString()} events/s, durable), version ${await tail.version()}`)

const errors = await tail.find({ outcome: { $ne: 'ok' } }, { sort: { eventTimestamp: -1 }, limit: 5, project: ['scriptName', 'outcome', 'eventTimestamp', 'exceptions'] })
console.log('\nLatest failed invocations:')
for (const row of errors) {
  const exception = (row.exceptions as { name?: string; message?: string }[] | null)?.[0]
  console.log(`  ${(row.eventTimestamp as Date).toISOString()}  ${String(row.scriptName).padEnd(18)} ${String(row.outcome).padEnd(15)} ${exception ? `${exception.name}: ${exception.message}` : ''}`)
}

let requests = 0
let wallTotal = 0
for await (const batch of tail.scan({ columns: ['wallTime'] })) {
  requests += batch.rowCount
  for (let i = 0; i < batch.rowCount; i++) wallTotal += Number(batch.columns.wallTime?.[i] ?? 0)
}
console.log(`\nAll invocations: ${requests.toLocaleString()}, mean wall time ${(wallTotal / requests).toFixed(1)} ms`)
console.log(`\nParquet files (readable by DuckDB, Polars, Spark):\n  ${(await tail.files()).slice(0, 3).map((key) => join(dataDir, key)).join('\n  ')}${(await tail.files()).length > 3 ? '\n  ...' : ''}`)
await db.close()
