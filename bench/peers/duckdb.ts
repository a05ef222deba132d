import type { DuckDBConnection } from '@duckdb/node-api'
import type { Unavailable } from '../harness.ts'

export type DuckDBApi = typeof import('@duckdb/node-api')

let loaded: Promise<DuckDBApi | Unavailable> | undefined

/**
 * Loads `@duckdb/node-api` (from bench/node_modules, else the workspace root), or says why it
 * cannot, so a missing peer skips its side instead of stopping the run.
 */
export function loadDuckDB(): Promise<DuckDBApi | Unavailable> {
  loaded ??= import('@duckdb/node-api').then(
    (api): DuckDBApi | Unavailable => api,
    (error: unknown) => ({ unavailable: `duckdb not installed (npm install --prefix bench): ${error instanceof Error ? error.message.split('\n')[0] : String(error)}` }),
  )
  return loaded
}

/**
 * An in-memory DuckDB connection for querying Parquet files repeatedly. Footers are cached
 * (`parquet_metadata_cache`), as ParqueDB caches the footers of its open table; everything else
 * keeps DuckDB's defaults (all cores, default memory limit).
 */
export async function openParquetReader(api: DuckDBApi): Promise<{ connection: DuckDBConnection; close(): void }> {
  const instance = await api.DuckDBInstance.create(':memory:')
  const connection = await instance.connect()
  try {
    await connection.run('SET parquet_metadata_cache = true')
  } catch (error) {
    connection.closeSync()
    instance.closeSync()
    throw error
  }
  return {
    connection,
    close: () => {
      connection.closeSync()
      instance.closeSync()
    },
  }
}

/** A single-quoted SQL string literal. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`
}

/** `read_parquet([...])` over the given files. */
export function readParquet(files: readonly string[]): string {
  return `read_parquet([${files.map(sqlString).join(', ')}])`
}
