import type { TailEventRow } from '@parquedb/mv-core/testing'
import { isUnavailable, scaled, type BenchmarkDefinition, type Contest, type Trial, type Unavailable } from '../harness.ts'
import { loadParqueDB } from '../parquedb.ts'
import { loadDuckDB, openParquetReader, readParquet, type DuckDBApi } from '../peers/duckdb.ts'
import { buildTailDataset, type TailDataset } from '../tail-dataset.ts'

const ROWS = 1_000_000
const COLUMNS = ['wallTime', 'cpuTime'] as const

/** How many non-null values a reader saw and their sum: equal sums prove both read the same data. */
interface Checksum {
  values: number
  sum: number
}

/**
 * Reads wallTime and cpuTime of every row into JS, counting and summing the values. The figure
 * is values per second (rows x 2). The peer streams the same two columns of the same Parquet
 * files out of DuckDB chunk by chunk, touching each value in JS as well.
 */
export const scanTwoColumnsBenchmark: BenchmarkDefinition = {
  id: 'scan.2col.1m',
  metric: 'values_per_s',
  unit: '1/s',
  better: 'higher',
  peer: 'duckdb',
  target: 10_000_000,
  description: `scan of ${COLUMNS.join(' + ')} over every row into JS (peer: DuckDB streaming the same columns of our files)`,
  prepare: async (scale) => {
    const [engine, duckdb] = await Promise.all([loadParqueDB(), loadDuckDB()])
    if (isUnavailable(engine)) return { ours: engine, peer: { unavailable: 'needs the Parquet files ParqueDB writes' }, dispose: async () => undefined }
    const expected: Checksum = { values: 0, sum: 0 }
    const dataset = await buildTailDataset(engine, scaled(ROWS, scale), (batch) => addGenerated(expected, batch))
    try {
      return await contest(dataset, duckdb, expected)
    } catch (error) {
      await dataset.close()
      throw error
    }
  },
}

function addGenerated(checksum: Checksum, batch: readonly TailEventRow[]): void {
  for (const row of batch) {
    for (const column of COLUMNS) {
      const value = row[column]
      if (value !== null) {
        checksum.values++
        checksum.sum += value
      }
    }
  }
}

function addValue(checksum: Checksum, value: unknown): void {
  if (typeof value === 'number') {
    checksum.values++
    checksum.sum += value
  } else if (value !== null && value !== undefined) {
    throw new Error(`read a ${typeof value}, expected an int column`)
  }
}

function verify(side: string, seen: Checksum, expected: Checksum): void {
  if (seen.values !== expected.values || seen.sum !== expected.sum) {
    throw new Error(`${side} read ${seen.values} values summing to ${seen.sum}, expected ${expected.values} summing to ${expected.sum}`)
  }
}

async function contest(dataset: TailDataset, duckdb: DuckDBApi | Unavailable, expected: Checksum): Promise<Contest> {
  const ours: Trial = async () => {
    const seen: Checksum = { values: 0, sum: 0 }
    const started = performance.now()
    for await (const batch of dataset.tail.scan({ columns: COLUMNS })) {
      for (const column of COLUMNS) {
        const values = batch.columns[column]
        if (values === undefined) throw new Error(`scan batch lacks column ${column}`)
        for (let index = 0; index < values.length; index++) addValue(seen, values[index])
      }
    }
    const elapsed = performance.now() - started
    verify('ParqueDB', seen, expected)
    return seen.values / (elapsed / 1000)
  }

  if (isUnavailable(duckdb)) return { ours, peer: duckdb, dispose: () => dataset.close() }
  const { connection, close } = await openParquetReader(duckdb)
  const query = `SELECT ${COLUMNS.map((column) => `"${column}"`).join(', ')} FROM ${readParquet(dataset.files)}`

  const peer: Trial = async () => {
    const seen: Checksum = { values: 0, sum: 0 }
    const started = performance.now()
    const result = await connection.stream(query)
    for (let chunk = await result.fetchChunk(); chunk !== null && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
      for (let column = 0; column < COLUMNS.length; column++) {
        const vector = chunk.getColumnVector(column)
        for (let index = 0; index < vector.itemCount; index++) addValue(seen, vector.getItem(index))
      }
    }
    const elapsed = performance.now() - started
    verify('DuckDB', seen, expected)
    return seen.values / (elapsed / 1000)
  }

  return {
    ours,
    peer,
    dispose: async () => {
      close()
      await dataset.close()
    },
  }
}
