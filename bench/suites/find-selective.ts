import { tailEventsDefinition, tailEventTimestamp } from '@parquedb/mv-core/testing'
import { isUnavailable, scaled, type BenchmarkDefinition, type Contest, type Trial, type Unavailable } from '../harness.ts'
import { loadParqueDB } from '../parquedb.ts'
import { loadDuckDB, openParquetReader, readParquet, sqlString, type DuckDBApi } from '../peers/duckdb.ts'
import { buildTailDataset, type TailDataset } from '../tail-dataset.ts'

const ROWS = 1_000_000
/** The share of rows the filter matches: the upper bound the benchmark allows. */
const SELECTIVITY = 0.01

/**
 * `find` with a time-range filter on eventTimestamp over a flushed dataset. Timestamps rise with
 * the row index, so file and row-group statistics prune all but the matching slice. Each
 * repetition is one query; the figure is the median (p50) latency. The peer runs the same filter
 * with DuckDB over the same Parquet files and materializes the same rows as JS objects (checked
 * value for value once before timing).
 */
export const findSelectiveBenchmark: BenchmarkDefinition = {
  id: 'find.selective.1m',
  metric: 'p50_ms',
  unit: 'ms',
  better: 'lower',
  peer: 'duckdb',
  target: 20,
  repetitions: 21,
  description: `find on an eventTimestamp range matching ${SELECTIVITY * 100}% of the rows, whole rows returned (peer: DuckDB read_parquet over our files, rows as equal JS objects)`,
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
  const { connection, close: closePeer } = await openParquetReader(duckdb)
  try {
    const source = readParquet(dataset.files)
    const described = await connection.runAndReadAll(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM ${source})`)
    const columnTypes = new Map(described.getRowsJS().map(([name, type]) => [String(name), String(type)]))
    const timestampType = columnTypes.get('eventTimestamp')
    if (timestampType === undefined) throw new Error('the Parquet files have no eventTimestamp column')
    // Compare against literals of the column's own type so DuckDB can prune with the statistics.
    const literal = (ms: number) => (/INT/.test(timestampType) ? String(ms) : `CAST(${sqlString(new Date(ms).toISOString())} AS ${timestampType})`)
    const where = `"eventTimestamp" >= ${literal(from)} AND "eventTimestamp" < ${literal(to)}`
    const { query, decode } = rowsAsJson(columnTypes, source, where)

    const peer: Trial = async () => {
      const started = performance.now()
      const reader = await connection.runAndReadAll(query)
      const found = (reader.getColumnsJS()[0] ?? []).map(decode)
      const elapsed = performance.now() - started
      if (found.length !== expected) throw new Error(`duckdb returned ${found.length} rows, expected ${expected}`)
      return elapsed
    }

    // Once, untimed: both sides must return the very same rows, value for value.
    const ourRows = await dataset.tail.find(filter)
    const peerRows = ((await connection.runAndReadAll(query)).getColumnsJS()[0] ?? []).map(decode)
    if (canonical(ourRows) !== canonical(peerRows)) throw new Error('find and duckdb returned different rows')

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
 * The fastest way we found to get DuckDB rows into JS objects equal to find's: DuckDB serializes
 * each row with to_json (variants embedded as JSON, timestamps as epoch ms) and JS parses it,
 * about twice as fast as getRowObjectsJS followed by JSON.parse of the variant columns. Variant
 * fields are stored as JSON text; which fields they are comes from the collection definition.
 */
function rowsAsJson(columnTypes: ReadonlyMap<string, string>, source: string, where: string): { query: string; decode: (text: unknown) => Record<string, unknown> } {
  const definition: Readonly<Record<string, string>> = tailEventsDefinition
  const dates: string[] = []
  const replaced: string[] = []
  for (const [name, type] of columnTypes) {
    const column = `"${name}"`
    const field = Object.hasOwn(definition, name) ? definition[name] : undefined
    if (type.startsWith('TIMESTAMP')) {
      dates.push(name)
      replaced.push(`epoch_ms(${column}) AS ${column}`)
    } else if (field === 'variant[]') replaced.push(`list_transform(${column}, value -> value::VARCHAR::JSON) AS ${column}`)
    else if (field?.startsWith('variant')) replaced.push(`${column}::VARCHAR::JSON AS ${column}`)
  }
  const columns = replaced.length === 0 ? '*' : `* REPLACE (${replaced.join(', ')})`
  return {
    query: `SELECT to_json(row)::VARCHAR FROM (SELECT ${columns} FROM ${source} WHERE ${where}) row`,
    decode: (text) => {
      const row = JSON.parse(String(text)) as Record<string, unknown>
      for (const name of dates) {
        const value = row[name]
        if (typeof value === 'number') row[name] = new Date(value)
      }
      return row
    },
  }
}

/** Rows as one string, independent of row and key order: equal strings mean equal rows. */
function canonical(rows: readonly Record<string, unknown>[]): string {
  const sortKeys = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sortKeys)
    if (value instanceof Date) return value.toISOString()
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, item]) => [key, sortKeys(item)]))
    }
    return value
  }
  return rows.map((row) => JSON.stringify(sortKeys(row))).sort().join('\n')
}
