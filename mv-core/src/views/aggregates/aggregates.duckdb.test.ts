import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Row } from '../../schema/types.ts'
import { createRandom } from '../../testing/random.ts'
import { compileGroupAggregates } from './group-state.ts'

/**
 * DuckDB is the oracle: the same random rows, grouped by DuckDB and by the aggregate states
 * (with retractions applied and merges in the middle), must agree.
 */

const compute = {
  rows: { $count: '*' },
  values: { $count: 'y' },
  sum: { $sum: 'y' },
  avg: { $avg: 'y' },
  min: { $min: 'y' },
  max: { $max: 'y' },
  variance: { $variance: 'y' },
  stddev: { $stddev: 'y' },
  p90: { $percentile: ['latency', 0.9] },
  p50: { $percentile: ['latency', 0.5] },
  intSum: { $sum: 'n' },
  decimalSum: { $sum: 'price' },
  first: { $first: 'y' },
  last: { $last: 'y' },
  errors: { $sum: { $cond: [{ $exists: '$error' }, 1, 0] } },
}

const oracleSql = `
  SELECT g,
    count(*) AS rows, count(y) AS values, sum(y) AS sum, avg(y) AS avg, min(y) AS min, max(y) AS max,
    var_samp(y) AS variance, stddev_samp(y) AS stddev,
    quantile_cont(latency, 0.9) AS p90, quantile_cont(latency, 0.5) AS p50,
    sum(n)::DOUBLE AS intSum, sum(price)::VARCHAR AS decimalSum,
    arg_min(y, t) FILTER (WHERE y IS NOT NULL) AS first, arg_max(y, t) FILTER (WHERE y IS NOT NULL) AS last,
    count(error)::DOUBLE AS errors
  FROM data GROUP BY g ORDER BY g`

interface Generated {
  readonly g: number
  readonly id: number
  readonly t: number
  readonly y: number | null
  readonly latency: number
  readonly n: number | null
  readonly price: string
  readonly error: string | null
}

function generate(seed: number, count: number): Generated[] {
  const random = createRandom(seed)
  return Array.from({ length: count }, (_, id): Generated => {
    const cents = BigInt(random.int(-99_999_999, 99_999_999)) * (random.chance(0.2) ? 100_000_000n : 1n)
    const negative = cents < 0n
    const digits = (negative ? -cents : cents).toString().padStart(5, '0')
    return {
      g: random.int(0, 4),
      id,
      t: random.int(0, 1_000_000) * 1000 + id, // unique
      y: random.chance(0.1) ? null : random.chance(0.5) ? random.int(-500, 500) : random.normal(1e4, 3e3),
      latency: random.logNormal(120, 1),
      n: random.chance(0.1) ? null : random.int(-(2 ** 31), 2 ** 31 - 1),
      price: `${negative ? '-' : ''}${digits.slice(0, -4)}.${digits.slice(-4)}`,
      error: random.chance(0.2) ? 'boom' : null,
    }
  })
}

const sqlValue = (value: string | number | null, type: string) => (value === null ? 'NULL' : `CAST('${value}' AS ${type})`)

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

async function oracle(rows: readonly Generated[]): Promise<Record<string, unknown>[]> {
  await connection.run('CREATE OR REPLACE TABLE data (g INTEGER, t BIGINT, y DOUBLE, latency DOUBLE, n INTEGER, price DECIMAL(18,4), error VARCHAR)')
  const values = rows.map(
    (row) =>
      `(${row.g}, ${row.t}, ${sqlValue(row.y, 'DOUBLE')}, ${sqlValue(row.latency, 'DOUBLE')}, ${sqlValue(row.n, 'INTEGER')}, ${sqlValue(row.price, 'DECIMAL(18,4)')}, ${sqlValue(row.error, 'VARCHAR')})`,
  )
  await connection.run(`INSERT INTO data VALUES ${values.join(', ')}`)
  const result = await connection.runAndReadAll(oracleSql)
  return result.getRowObjects() as Record<string, unknown>[]
}

/** Groups the rows with the aggregate states: noise rows added then retracted, halves merged. */
function engine(rows: readonly Generated[], noise: readonly Generated[]): Map<number, Row> {
  const group = compileGroupAggregates(compute, { label: 'view "Oracle"', decimalScales: { decimalSum: 4 } })
  const halves = [new Map<number, ReturnType<typeof group.init>>(), new Map<number, ReturnType<typeof group.init>>()]
  const apply = (row: Generated, weight: 1 | -1) => {
    const states = halves[row.id % 2] as Map<number, ReturnType<typeof group.init>>
    const state = states.get(row.g) ?? group.init()
    states.set(row.g, group.add(state, row as unknown as Row, weight, [row.t, row.id]))
  }
  for (const row of noise) apply(row, 1)
  for (const row of rows) apply(row, 1)
  for (const row of noise) apply(row, -1)
  const results = new Map<number, Row>()
  for (const g of new Set(rows.map((row) => row.g))) {
    const [a, b] = halves.map((states) => states.get(g) ?? group.init()) as [ReturnType<typeof group.init>, ReturnType<typeof group.init>]
    const merged = group.fromJSON(JSON.parse(JSON.stringify(group.toJSON(group.merge(a, b)))) as unknown)
    results.set(g, { ...group.result(merged), exact: group.exact(merged) })
  }
  return results
}

function expectClose(actual: unknown, expected: unknown, tolerance: number, what: string): void {
  if (expected === null) {
    expect(actual, what).toBeNull()
    return
  }
  expect(typeof actual, what).toBe('number')
  expect(Math.abs((actual as number) - (expected as number)), `${what}: ${String(actual)} vs ${String(expected)}`).toBeLessThanOrEqual(tolerance)
}

describe('aggregates agree with DuckDB', () => {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}`, async () => {
      const rows = generate(seed, 400)
      // Rows that come and go must leave no trace in the exact aggregates (count, sum, avg,
      // variance, stddev, the decimal sum); min/max/first/last and percentiles may turn inexact
      // on retractions, so those are compared on a fold without noise below.
      const noise = generate(seed + 100, 60).map((row) => ({ ...row, id: row.id + 10_000, t: row.t + 7 }))
      const expected = await oracle(rows)
      const actual = engine(rows, noise)
      expect(expected.length).toBe(actual.size)
      for (const duck of expected) {
        const g = Number(duck.g)
        const ours = actual.get(g) as Row
        const what = (name: string) => `seed ${seed}, group ${g}, ${name}`
        const ys = rows.filter((row) => row.g === g && row.y !== null).map((row) => row.y as number)
        const scale = ys.reduce((total, y) => total + Math.abs(y), 0)
        expect(ours.rows, what('rows')).toBe(Number(duck.rows))
        expect(ours.values, what('values')).toBe(Number(duck.values))
        expectClose(ours.sum, duck.sum, 1e-12 * scale, what('sum'))
        expectClose(ours.avg, duck.avg, (1e-12 * scale) / ys.length, what('avg'))
        expectClose(ours.variance, duck.variance, 1e-9 * (duck.variance as number), what('variance'))
        expectClose(ours.stddev, duck.stddev, 1e-9 * (duck.stddev as number), what('stddev'))
        expect(ours.intSum, what('intSum')).toBe(duck.intSum)
        expect(ours.errors, what('errors')).toBe(duck.errors)
        // Exact decimal sum: a number when it has at most 15 digits, else DuckDB's text.
        const decimal = duck.decimalSum as string
        expect(ours.decimalSum, what('decimalSum')).toBe(decimal.replace('-', '').replace('.', '').replace(/^0+/, '').length <= 15 ? Number(decimal) : decimal)
      }
      const fresh = engine(rows, [])
      for (const duck of expected) {
        const ours = fresh.get(Number(duck.g)) as Row
        const what = (name: string) => `seed ${seed}, group ${String(duck.g)}, ${name}`
        expect(ours.exact, what('exact')).toBe(true)
        expect(ours.min, what('min')).toBe(duck.min)
        expect(ours.max, what('max')).toBe(duck.max)
        expect(ours.first, what('first')).toBe(duck.first)
        expect(ours.last, what('last')).toBe(duck.last)
        for (const name of ['p50', 'p90']) expectClose(ours[name], duck[name], 0.01 * (duck[name] as number) * (1 + 1e-9), what(name))
      }
    })
  }
})
