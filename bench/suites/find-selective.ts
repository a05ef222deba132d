import { tailEventTimestamp } from '@parquedb/mv-core/testing'
import { isUnavailable, scaled, type BenchmarkDefinition, type Contest, type Trial, type Unavailable } from '../harness.ts'
import { loadParqueDB } from '../parquedb.ts'
import { loadDuckDB, readParquet, sqlString, type DuckDBApi } from '../peers/duckdb.ts'
import { buildTailDataset, type TailDataset } from '../tail-dataset.ts'

const ROWS = 1_000_000
/** The share of rows the filter matches: the upper bound the benchmark allows. */
const SELECTIVITY = 0.01

/**
 * `find` with a time-range filter on eventTimestamp over a flushed dataset. Timestamps rise with
 * the row index, so file and row-group statistics prune all but the matching slice. Each
 * repetition is one query; the figure is the median (p50) latency. The peer runs the same filter
 * with DuckDB over the same Parquet files and materializes the rows into JS objects as find does,
 * variant (JSON) columns decoded.
 */
export const findSelectiveBenchmark: BenchmarkDefinition = {
  id: 'find.selective.1m',
  metric: 'p50_ms',
  unit: 'ms',
  better: 'lower',
  peer: 'duckdb',
  target: 20,
  repetitions: 21,
  description: `find on an eventTimestamp range matching ${SELECTIVITY * 100}% of the rows, whole rows returned (peer: DuckDB read_parquet over our files, JSON decoded)`,
  prepare: async (scale) => {
    const [engine, duckdb] = await Promise.all([loadParqueDB(), loadDuckDB()])
    if (isUnavailable(engine)) return { ours: engine, peer: { unavailable: 'needs the Parquet files ParqueDB writes' }, dispose: async () => undefined }
    const rows = scaled(ROWS, scale)
    const dataset = await buildTailDataset(engine, rows)
    try {
      return await contest(dataset, duckdb, rows)
    } catch (error) {
      await dataset.close()
      throw error
    }
  },
}

async function contest(dataset: TailDataset, duckdb: DuckDBApi | Unavailable, rows: number): Promise<Contest> {
  // The window starts mid-dataset, away from any edge effect of the first or last file.
  const first = Math.floor(rows / 2)
  const matching = Math.max(1, Math.floor(rows * SELECTIVITY))
  const from = tailEventTimestamp(first)
  const to = tailEventTimestamp(first + matching)
  let expected = 0
  for (let index = 0; index < rows; index++) {
    const at = tailEventTimestamp(index)
    if (at >= from && at < to) expected++
  }

  const filter = { eventTimestamp: { $gte: new Date(from), $lt: new Date(to) } }

  const ours: Trial = async () => {
    const started = performance.now()
    const found = await dataset.tail.find(filter)
    const elapsed = performance.now() - started
    if (found.length !== expected) throw new Error(`find returned ${found.length} rows, expected ${expected}`)
    return elapsed
  }

  if (isUnavailable(duckdb)) return { ours, peer: duckdb, dispose: () => dataset.close() }
  const instance = await duckdb.DuckDBInstance.create(':memory:')
  const connection = await instance.connect()
  const closePeer = () => {
    connection.closeSync()
    instance.closeSync()
  }
  try {
    const source = readParquet(dataset.files)
    const described = await connection.runAndReadAll(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM ${source})`)
    const columnTypes = new Map(described.getRowsJS().map(([name, type]) => [String(name), String(type)]))
    const timestampType = columnTypes.get('eventTimestamp')
    if (timestampType === undefined) throw new Error('the Parquet files have no eventTimestamp column')
    // Compare against literals of the column's own type so DuckDB can prune with the statistics.
    const literal = (ms: number) => (/INT/.test(timestampType) ? String(ms) : `CAST(${sqlString(new Date(ms).toISOString())} AS ${timestampType})`)
    const query = `SELECT * FROM ${source} WHERE "eventTimestamp" >= ${literal(from)} AND "eventTimestamp" < ${literal(to)}`
    const decodeJson = jsonDecoder(columnTypes)

    const peer: Trial = async () => {
      const started = performance.now()
      const reader = await connection.runAndReadAll(query)
      const found = reader.getRowObjectsJS().map(decodeJson)
      const elapsed = performance.now() - started
      if (found.length !== expected) throw new Error(`duckdb returned ${found.length} rows, expected ${expected}`)
      return elapsed
    }

    // Once, untimed: both sides must return the very same entities, not just as many.
    const ids = (rows: readonly Record<string, unknown>[]) => rows.map((row) => String(row.$id)).sort().join()
    const ourRows = await dataset.tail.find(filter)
    const peerRows = (await connection.runAndReadAll(query)).getRowObjectsJS()
    if (ids(ourRows) !== ids(peerRows)) throw new Error('find and duckdb returned different $id sets')

    return {
      ours,
      peer,
      dispose: async () => {
        closePeer()
        await dataset.close()
      },
    }
  } catch (error) {
    closePeer()
    throw error
  }
}

/**
 * DuckDB hands JSON columns back as text; find returns variants decoded, so the peer decodes
 * them too (JSON and JSON[] columns) to deliver the same rows.
 */
function jsonDecoder(columnTypes: ReadonlyMap<string, string>): (row: Record<string, unknown>) => Record<string, unknown> {
  const scalars = [...columnTypes].filter(([, type]) => type === 'JSON').map(([name]) => name)
  const lists = [...columnTypes].filter(([, type]) => type === 'JSON[]').map(([name]) => name)
  const parse = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value)
  return (row) => {
    for (const name of scalars) row[name] = parse(row[name])
    for (const name of lists) {
      const value = row[name]
      if (Array.isArray(value)) row[name] = value.map(parse)
    }
    return row
  }
}
