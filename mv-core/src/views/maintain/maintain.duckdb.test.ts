import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Row } from '../../schema/types.ts'
import { NO_RELATED } from '../pipeline/related-rows.ts'
import { testPlan } from '../pipeline/test-fixtures.ts'
import { fullRefreshRows } from './full-refresh-rows.ts'
import { aiRequestFields, batchesOf, checkGroupView, evalScoreFields, orderFields, sourceOps, SourceTable } from './test-workloads.ts'

/**
 * DuckDB over the raw rows is the oracle: a random workload's final source rows are loaded into
 * DuckDB, each view's equivalent SQL (written by hand) runs over them, and a full refresh of the
 * view (which the property tests show incremental maintenance equals; checked again here) must
 * give the same groups and values.
 */

let instance: DuckDBInstance
let connection: DuckDBConnection

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:')
  connection = await instance.connect()
})

afterAll(() => {
  connection.closeSync()
  instance.closeSync()
})

/** The final source rows of a seeded random workload of inserts, updates and deletes. */
function finalRows(fields: fc.Arbitrary<Row>, seed: number): { ops: Parameters<typeof batchesOf>[1]; rows: Row[] } {
  const [ops] = fc.sample(sourceOps(fields, 120, 600, 600), { seed, numRuns: 1 })
  if (ops === undefined) throw new Error('no workload')
  const table = new SourceTable()
  for (const change of batchesOf(table, ops)) void change
  return { ops, rows: [...table.rows.values()] }
}

const text = (value: unknown) => (value === null || value === undefined ? 'NULL' : `'${String(value).replaceAll("'", "''")}'`)
const instant = (value: unknown) => (value instanceof Date ? `epoch_ms(${value.getTime()})` : 'NULL')
const number = (value: unknown) => (typeof value === 'number' ? String(value) : 'NULL')

async function load(table: string, columns: string, rows: readonly Row[], values: (row: Row) => string[]): Promise<void> {
  await connection.run(`CREATE OR REPLACE TABLE ${table} (${columns})`)
  if (rows.length > 0) await connection.run(`INSERT INTO ${table} VALUES ${rows.map((row) => `(${values(row).join(', ')})`).join(', ')}`)
}

async function query(sql: string): Promise<Record<string, unknown>[]> {
  return (await connection.runAndReadAll(sql)).getRowObjects() as Record<string, unknown>[]
}

/** Numbers within `relative` (1e-9 for exact aggregates, 1% for sketches), the rest strictly. */
function expectClose(actual: unknown, expected: unknown, what: string, relative = 1e-9): void {
  if (expected === null || expected === undefined) {
    expect(actual ?? null, what).toBeNull()
    return
  }
  const want = typeof expected === 'bigint' ? Number(expected) : expected
  if (typeof want !== 'number') {
    expect(actual, what).toEqual(want)
    return
  }
  expect(typeof actual, what).toBe('number')
  expect(Math.abs((actual as number) - want), `${what}: ${String(actual)} vs ${want}`).toBeLessThanOrEqual(relative * Math.abs(want) + 1e-12)
}

/** Compares the view's groups with DuckDB's, matched by their key columns. */
function compare(ours: readonly Row[], duck: readonly Record<string, unknown>[], keys: readonly string[], loose: Readonly<Record<string, number>> = {}): void {
  const keyOf = (row: Record<string, unknown>) => JSON.stringify(keys.map((key) => (row[key] instanceof Date ? (row[key] as Date).getTime() : typeof row[key] === 'bigint' ? Number(row[key]) : row[key])))
  const mine = new Map(ours.map((row) => [keyOf(row), row]))
  expect(mine.size).toBe(duck.length)
  for (const expected of duck) {
    const key = keyOf(expected)
    const actual = mine.get(key)
    expect(actual, `group ${key}`).toBeDefined()
    for (const [name, value] of Object.entries(expected)) {
      if (keys.includes(name)) continue
      expectClose(actual?.[name], value, `group ${key}: ${name}`, loose[name])
    }
  }
}

describe('grouped views agree with DuckDB', () => {
  for (const seed of [1, 2, 3]) {
    it(`DailySales, seed ${seed}`, async () => {
      const plan = testPlan('DailySales')
      const { ops, rows } = finalRows(orderFields, seed)
      checkGroupView(plan, ops.slice(0, 120), [])
      await load('orders', 'id VARCHAR, createdAt TIMESTAMP, total DECIMAL(10,2), status VARCHAR', rows, (row) => [text(row.$id), instant(row.createdAt), number(row.total), text(row.status)])
      const duck = await query(`
        SELECT CAST(createdAt AS DATE)::VARCHAR AS date, status,
          count(*)::DOUBLE AS orderCount, sum(total)::DOUBLE AS revenue, avg(total) AS avgOrder
        FROM orders GROUP BY ALL`)
      compare(fullRefreshRows(plan, rows, NO_RELATED), duck, ['date', 'status'])
    })

    it(`EvalTrends by week, seed ${seed}`, async () => {
      const plan = testPlan('EvalTrends')
      const { ops, rows } = finalRows(evalScoreFields, seed)
      checkGroupView(plan, ops.slice(0, 120), [])
      await load('scores', 'suiteName VARCHAR, scorerName VARCHAR, score DECIMAL(5,4), timestamp TIMESTAMP', rows, (row) => [text(row.suiteName), text(row.scorerName), number(row.score), instant(row.timestamp)])
      const duck = await query(`
        SELECT suiteName, scorerName, epoch_ms(date_trunc('week', timestamp)) AS week,
          avg(score) AS avgScore, min(score)::DOUBLE AS minScore, max(score)::DOUBLE AS maxScore, count(*)::DOUBLE AS runCount
        FROM scores GROUP BY ALL`)
      compare(fullRefreshRows(plan, rows, NO_RELATED), duck, ['suiteName', 'scorerName', 'week'])
    })

    it(`ModelLatency by hour (min, max, stddev, variance, first, last), seed ${seed}`, async () => {
      const plan = testPlan('ModelLatency')
      const { ops, rows } = finalRows(aiRequestFields, seed)
      checkGroupView(plan, ops.slice(0, 120), [])
      await load('requests', 'id VARCHAR, createdAt TIMESTAMP, modelId VARCHAR, tokens INTEGER, latencyMs INTEGER, timestamp TIMESTAMP', rows, (row) => [
        text(row.$id),
        instant(row.createdAt),
        text(row.modelId),
        number(row.tokens),
        number(row.latencyMs),
        instant(row.timestamp),
      ])
      const duck = await query(`
        SELECT modelId, epoch_ms(date_trunc('hour', timestamp)) AS hour,
          count(*)::DOUBLE AS requests, min(latencyMs)::DOUBLE AS minLatency, max(latencyMs)::DOUBLE AS maxLatency,
          stddev_samp(latencyMs) AS sdLatency, var_samp(tokens) AS varTokens,
          arg_min(tokens, (createdAt, id)) FILTER (WHERE tokens IS NOT NULL) AS firstTokens,
          arg_max(tokens, (createdAt, id)) FILTER (WHERE tokens IS NOT NULL) AS lastTokens
        FROM requests GROUP BY ALL`)
      compare(fullRefreshRows(plan, rows, NO_RELATED), duck, ['modelId', 'hour'])
    })

    it(`DailyAIUsage (sums, averages of $cond, a percentile), seed ${seed}`, async () => {
      const plan = testPlan('DailyAIUsage')
      const { ops, rows } = finalRows(aiRequestFields, seed)
      checkGroupView(plan, ops.slice(0, 120), [])
      await load('usage', 'modelId VARCHAR, providerId VARCHAR, tokens INTEGER, latencyMs INTEGER, cached BOOLEAN, error VARCHAR, timestamp TIMESTAMP', rows, (row) => [
        text(row.modelId),
        text(row.providerId),
        number(row.tokens),
        number(row.latencyMs),
        row.cached === true ? 'true' : 'false',
        row.error === null ? 'NULL' : text(JSON.stringify(row.error)),
        instant(row.timestamp),
      ])
      const duck = await query(`
        SELECT modelId, providerId, CAST(timestamp AS DATE)::VARCHAR AS date,
          count(*)::DOUBLE AS requestCount, sum(tokens)::DOUBLE AS totalTokens, avg(latencyMs) AS avgLatency,
          quantile_cont(latencyMs, 0.95) AS p95Latency,
          avg(CASE WHEN cached THEN 1 ELSE 0 END) AS cacheHitRate,
          sum(CASE WHEN error IS NOT NULL THEN 1 ELSE 0 END)::DOUBLE AS errorCount
        FROM usage GROUP BY ALL`)
      // The percentile is a DDSketch estimate: within 1% of quantile_cont.
      compare(fullRefreshRows(plan, rows, NO_RELATED), duck, ['modelId', 'providerId', 'date'], { p95Latency: 0.01 })
    })
  }
})
