import type { DuckDBAppender, DuckDBConnection, DuckDBInstance, DuckDBPreparedStatement, DuckDBTimestampValue, DuckDBValue } from '@duckdb/node-api'
import type { TailEventRow } from '@parquedb/mv-core/testing'
import type { DuckDBApi } from './duckdb.ts'

/**
 * The DuckDB counterpart of the TailEvents collection: the same declared fields, variant fields
 * as JSON. It has no `$id`/`createdAt`/`updatedAt`: DuckDB users do not need them, so the peer
 * is not asked to pay for them.
 */
const TAIL_TABLE = `CREATE TABLE tail_events (
  scriptName VARCHAR NOT NULL, outcome VARCHAR NOT NULL, eventTimestamp TIMESTAMP NOT NULL,
  event JSON, logs JSON, exceptions JSON, cpuTime INTEGER, wallTime INTEGER,
  scriptVersion VARCHAR, entrypoint VARCHAR, executionModel VARCHAR, truncated BOOLEAN)`

const INSERT_ONE = 'INSERT INTO tail_events VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)'

/**
 * A persistent DuckDB database file holding `tail_events`, written the fastest durable ways
 * we found (measured against the alternatives; see bench/README.md).
 */
export interface DuckTailStore {
  /** One appender per batch, closed at the end: DuckDB commits the batch (WAL written and fsynced). */
  appendBatch(batch: readonly TailEventRow[]): Promise<void>
  /** `count` writers, each an autocommit single-row INSERT on its own connection, for concurrent load. */
  singleRowWriters(count: number): Promise<((row: TailEventRow) => Promise<void>)[]>
  count(): Promise<number>
  close(): void
}

export async function openDuckTailStore(api: DuckDBApi, file: string): Promise<DuckTailStore> {
  const instance = await api.DuckDBInstance.create(file)
  const connection = await instance.connect()
  await connection.run(TAIL_TABLE)
  const opened: DuckDBConnection[] = [connection]
  return {
    appendBatch: async (batch) => {
      const appender = await connection.createAppender('tail_events')
      for (const row of batch) appendRow(api, appender, row)
      appender.closeSync()
    },
    singleRowWriters: async (count) => {
      const writers: ((row: TailEventRow) => Promise<void>)[] = []
      for (let index = 0; index < count; index++) {
        const statement = await connectStatement(instance, opened)
        writers.push(async (row) => {
          statement.bind(rowValues(api, row))
          await statement.run()
        })
      }
      return writers
    },
    count: async () => {
      const reader = await connection.runAndReadAll('SELECT count(*)::INTEGER FROM tail_events')
      return Number(reader.value(0, 0))
    },
    close: () => {
      for (const each of opened) each.closeSync()
      instance.closeSync()
    },
  }
}

async function connectStatement(instance: DuckDBInstance, opened: DuckDBConnection[]): Promise<DuckDBPreparedStatement> {
  const connection = await instance.connect()
  opened.push(connection)
  return connection.prepare(INSERT_ONE)
}

/** Appends one tail event in the table's column order: variant fields as JSON text. */
export function appendRow(api: DuckDBApi, appender: DuckDBAppender, row: TailEventRow): void {
  appender.appendVarchar(row.scriptName)
  appender.appendVarchar(row.outcome)
  appender.appendTimestamp(timestamp(api, row.eventTimestamp))
  if (row.event === null) appender.appendNull()
  else appender.appendVarchar(JSON.stringify(row.event))
  appender.appendVarchar(JSON.stringify(row.logs))
  appender.appendVarchar(JSON.stringify(row.exceptions))
  appendNullable(appender, row.cpuTime, (value) => appender.appendInteger(value))
  appendNullable(appender, row.wallTime, (value) => appender.appendInteger(value))
  appendNullable(appender, row.scriptVersion, (value) => appender.appendVarchar(value))
  appendNullable(appender, row.entrypoint, (value) => appender.appendVarchar(value))
  appendNullable(appender, row.executionModel, (value) => appender.appendVarchar(value))
  appendNullable(appender, row.truncated, (value) => appender.appendBoolean(value))
  appender.endRow()
}

function appendNullable<T>(appender: DuckDBAppender, value: T | null, append: (value: T) => void): void {
  if (value === null) appender.appendNull()
  else append(value)
}

function rowValues(api: DuckDBApi, row: TailEventRow): DuckDBValue[] {
  return [
    row.scriptName,
    row.outcome,
    timestamp(api, row.eventTimestamp),
    row.event === null ? null : JSON.stringify(row.event),
    JSON.stringify(row.logs),
    JSON.stringify(row.exceptions),
    row.cpuTime,
    row.wallTime,
    row.scriptVersion,
    row.entrypoint,
    row.executionModel,
    row.truncated,
  ]
}

function timestamp(api: DuckDBApi, date: Date): DuckDBTimestampValue {
  return new api.DuckDBTimestampValue(BigInt(date.getTime()) * 1000n)
}
