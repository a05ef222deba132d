import type { Unavailable } from '../harness.ts'

/** The slice of chdb's `Session` the tail benchmark uses. */
interface ChdbSession {
  query(query: string, format?: string): string
  insert(params: { table: string; values: ReadonlyArray<Record<string, unknown>> }): Promise<unknown>
  cleanup(): void
}
type ChdbApi = { Session: new (path?: string) => ChdbSession }

let loaded: Promise<ChdbApi | Unavailable> | undefined

/**
 * Loads `chdb` (ClickHouse in-process) from bench/node_modules, or says why it cannot. It is
 * ~500 MB, so only the bench installs it: `npm install --prefix bench --no-save chdb`.
 */
export function loadChdb(): Promise<ChdbApi | Unavailable> {
  loaded ??= import('chdb' as string).then(
    (api: unknown): ChdbApi | Unavailable => api as ChdbApi,
    (error: unknown) => ({ unavailable: `chdb not installed (npm install --prefix bench --no-save chdb): ${error instanceof Error ? error.message.split('\n')[0] : String(error)}` }),
  )
  return loaded
}

/** One tail event as the ClickHouse table takes it: variant fields as JSON text. */
export type ChdbTailRow = Record<string, unknown>

// The tail pack as ClickHouse materialized views: insert triggers, so each batch's INSERT also
// fills the views (the endpoint metrics cascade from worker_requests, as in the pack).
const SCHEMA = [
  `CREATE TABLE tail_events (scriptName String, outcome String, eventTimestamp DateTime64(3, 'UTC'), eventType Nullable(String), event String,
     logs String, exceptions String, cpuTime Nullable(Int32), wallTime Nullable(Int32), scriptVersion Nullable(String), entrypoint Nullable(String),
     executionModel Nullable(String), truncated Nullable(Bool)) ENGINE = MergeTree ORDER BY (scriptName, eventTimestamp)`,
  `CREATE TABLE worker_logs (scriptName String, level String, message String, timestamp Int64, colo String, outcome String, eventTimestamp DateTime64(3, 'UTC'))
     ENGINE = MergeTree ORDER BY (scriptName, timestamp)`,
  `CREATE MATERIALIZED VIEW worker_logs_mv TO worker_logs AS SELECT scriptName, JSONExtractString(log, 'level') AS level, JSONExtractRaw(log, 'message') AS message,
     JSONExtractInt(log, 'timestamp') AS timestamp, JSONExtractString(event, 'request', 'cf', 'colo') AS colo, outcome, eventTimestamp
     FROM tail_events ARRAY JOIN JSONExtractArrayRaw(logs) AS log`,
  `CREATE TABLE worker_errors (scriptName String, outcome String, eventType Nullable(String), exceptionName String, exceptionMessage String, url String,
     status Nullable(Int32), colo String, timestamp DateTime64(3, 'UTC')) ENGINE = MergeTree ORDER BY (scriptName, timestamp)`,
  `CREATE MATERIALIZED VIEW worker_errors_mv TO worker_errors AS SELECT scriptName, outcome, eventType,
     JSONExtractString(JSONExtractArrayRaw(exceptions)[1], 'name') AS exceptionName, JSONExtractString(JSONExtractArrayRaw(exceptions)[1], 'message') AS exceptionMessage,
     JSONExtractString(event, 'request', 'url') AS url, JSONExtract(event, 'response', 'status', 'Nullable(Int32)') AS status,
     JSONExtractString(event, 'request', 'cf', 'colo') AS colo, eventTimestamp AS timestamp
     FROM tail_events WHERE outcome != 'ok' OR length(JSONExtractArrayRaw(exceptions)) > 0`,
  `CREATE TABLE worker_requests (scriptName String, method String, url String, status Nullable(Int32), outcome String, colo String, country String,
     latency Nullable(Int32), cpuTime Nullable(Int32), timestamp DateTime64(3, 'UTC')) ENGINE = MergeTree ORDER BY (scriptName, timestamp)`,
  `CREATE MATERIALIZED VIEW worker_requests_mv TO worker_requests AS SELECT scriptName, JSONExtractString(event, 'request', 'method') AS method,
     JSONExtractString(event, 'request', 'url') AS url, JSONExtract(event, 'response', 'status', 'Nullable(Int32)') AS status, outcome,
     JSONExtractString(event, 'request', 'cf', 'colo') AS colo, JSONExtractString(event, 'request', 'cf', 'country') AS country,
     wallTime AS latency, cpuTime, eventTimestamp AS timestamp FROM tail_events WHERE JSONHas(event, 'request')`,
  `CREATE TABLE endpoint_metrics (scriptName String, method String, hour DateTime('UTC'), requestCount AggregateFunction(count), errorCount AggregateFunction(sum, UInt8),
     avgLatency AggregateFunction(avg, Nullable(Int32)), latencyQuantiles AggregateFunction(quantiles(0.5, 0.95, 0.99), Nullable(Int32)))
     ENGINE = AggregatingMergeTree ORDER BY (scriptName, method, hour)`,
  `CREATE MATERIALIZED VIEW endpoint_metrics_mv TO endpoint_metrics AS SELECT scriptName, method, toStartOfHour(timestamp) AS hour, countState() AS requestCount,
     sumState(toUInt8(outcome != 'ok')) AS errorCount, avgState(latency) AS avgLatency, quantilesState(0.5, 0.95, 0.99)(latency) AS latencyQuantiles
     FROM worker_requests GROUP BY scriptName, method, hour`,
]

export interface ChdbTailStore {
  /** One INSERT per batch; the materialized views are filled as part of it. */
  appendBatch(rows: readonly ChdbTailRow[]): Promise<void>
  /** Rows in each view, for checking the work was done: [events, logs, errors, requests, metric requests]. */
  counts(): number[]
  close(): void
}

export function openChdbTailStore(api: ChdbApi, dir: string): ChdbTailStore {
  const session = new api.Session(dir)
  for (const statement of SCHEMA) session.query(statement)
  return {
    appendBatch: async (rows) => {
      await session.insert({ table: 'tail_events', values: rows })
    },
    counts: () =>
      session
        .query(
          `SELECT (SELECT count() FROM tail_events), (SELECT count() FROM worker_logs), (SELECT count() FROM worker_errors), (SELECT count() FROM worker_requests),
             (SELECT countMerge(requestCount) FROM endpoint_metrics)`,
          'CSV',
        )
        .trim()
        .split(',')
        .map(Number),
    close: () => session.cleanup(),
  }
}
