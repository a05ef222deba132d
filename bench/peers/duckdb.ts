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

/** A single-quoted SQL string literal. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`
}

/** `read_parquet([...])` over the given files. */
export function readParquet(files: readonly string[]): string {
  return `read_parquet([${files.map(sqlString).join(', ')}])`
}
