import { DuckDBInstance, DuckDBTimestampValue, type DuckDBConnection } from '@duckdb/node-api'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Database, memoryStorage, type OpenDatabase, type Row } from '@parquedb/mv-core'
import { createRandom } from '@parquedb/mv-core/testing'

/**
 * `db.sql` against DuckDB: the same query text and parameters over the same rows (some in
 * Parquet, some only acknowledged, some updated or deleted), the answers compared row for row
 * (in order where ORDER BY decides it). NULLs are everywhere, so three-valued logic, NULL
 * ordering and aggregates over NULLs are exercised on every query.
 */

const SCHEMA = {
  Req: { service: 'string?', status: 'int?', latency: 'double?', ok: 'boolean?', region: 'string!', ts: 'timestamp!', bytes: 'bigint?' },
}
const START = Date.UTC(2026, 0, 1)
const SERVICES = ['api', 'auth', 'db', 'Api', 'web_1', null]

function randomRow(random: ReturnType<typeof createRandom>): Row {
  const maybe = <T>(value: T): T | null => (random.next() < 0.15 ? null : value)
  return {
    service: random.pick(SERVICES),
    status: maybe(random.pick([200, 201, 204, 301, 404, 500, 503])),
    latency: maybe(Math.round(random.next() * 20000) / 100),
    ok: maybe(random.next() < 0.7),
    region: random.pick(['eu', 'us', 'ap']),
    ts: new Date(START + Math.floor(random.next() * 3600_000)),
    bytes: maybe(BigInt(Math.floor(random.next() * 1e6))),
  }
}

/** [query, params, ordered]: ordered queries are compared in order, the others as sets. */
const QUERIES: readonly [string, unknown[], boolean][] = [
  ['SELECT service, COUNT(*) AS n, COUNT(latency) AS nl, SUM(latency) AS total, AVG(latency) AS mean, MIN(latency) AS lo, MAX(latency) AS hi FROM Req GROUP BY service ORDER BY service', [], true],
  ["SELECT service, COUNT(*) AS total, SUM(CASE WHEN status >= 500 THEN 1 ELSE 0 END) * 100.0 / COUNT(*) AS error_rate FROM Req WHERE ts > '2026-01-01 00:20:00' GROUP BY service ORDER BY error_rate DESC, service LIMIT 4", [], true],
  ["SELECT \"$id\" AS id FROM Req WHERE NOT (service = 'api') ORDER BY id", [], true],
  ["SELECT \"$id\" AS id FROM Req WHERE service != 'api' AND service <> 'db'", [], false],
  ['SELECT "$id" AS id FROM Req WHERE status NOT IN (200, 404)', [], false],
  ['SELECT "$id" AS id FROM Req WHERE NOT (status > 300 AND latency < 50)', [], false],
  ['SELECT "$id" AS id FROM Req WHERE NOT (status > 300 OR latency < 50)', [], false],
  ['SELECT "$id" AS id FROM Req WHERE ok', [], false],
  ['SELECT "$id" AS id FROM Req WHERE NOT ok', [], false],
  ['SELECT "$id" AS id FROM Req WHERE service IS NULL OR latency IS NULL', [], false],
  ['SELECT "$id" AS id FROM Req WHERE status IS NOT NULL AND latency BETWEEN 20 AND 80.5', [], false],
  ['SELECT "$id" AS id FROM Req WHERE latency NOT BETWEEN 20 AND 180', [], false],
  ["SELECT \"$id\" AS id FROM Req WHERE service LIKE 'a%'", [], false],
  ["SELECT \"$id\" AS id FROM Req WHERE service ILIKE 'a_i'", [], false],
  ["SELECT \"$id\" AS id FROM Req WHERE service NOT LIKE '%_1'", [], false],
  ['SELECT "$id" AS id FROM Req WHERE latency > status - 150', [], false],
  ["SELECT \"$id\" AS id FROM Req WHERE latency * 2 > 100 OR service = 'db'", [], false],
  ['SELECT "$id" AS id FROM Req WHERE NOT (latency > status - 150)', [], false],
  ["SELECT \"$id\" AS id, CASE WHEN status >= 500 THEN 'error' WHEN status >= 400 THEN 'client' ELSE 'fine' END AS kind, CASE service WHEN 'api' THEN 1 WHEN 'db' THEN 2 END AS code FROM Req", [], false],
  ['SELECT COUNT(*) AS n, SUM(latency) AS total, MAX(status) AS top FROM Req WHERE 1 = 0', [], true],
  ['SELECT COUNT(*) AS n, SUM(bytes) AS b FROM Req', [], true],
  ['SELECT region, COUNT(*) AS n FROM Req GROUP BY region HAVING COUNT(*) > 10 AND MIN(latency) < 5 ORDER BY 2 DESC, 1', [], true],
  ["SELECT date_trunc('minute', ts) AS m, COUNT(*) AS n, SUM(CASE WHEN ok THEN 1 ELSE 0 END) AS oks FROM Req GROUP BY date_trunc('minute', ts) ORDER BY m", [], true],
  ['SELECT region AS r, status AS s, COUNT(*) AS n FROM Req GROUP BY 1, 2 ORDER BY r, s NULLS FIRST', [], true],
  ['SELECT DISTINCT region FROM Req ORDER BY region', [], true],
  ['SELECT region, STDDEV(latency) AS sd, VARIANCE(latency) AS v FROM Req GROUP BY region ORDER BY region', [], true],
  ['SELECT "$id" AS id, latency FROM Req ORDER BY latency DESC NULLS LAST, id LIMIT 10 OFFSET 5', [], true],
  ['SELECT "$id" AS id, ts FROM Req ORDER BY ts, id LIMIT 7', [], true],
  ['SELECT "$id" AS id FROM Req WHERE region = $1 AND status >= $2', ['eu', 300], false],
  ["SELECT COALESCE(service, 'none') AS s, COUNT(*) AS n FROM Req GROUP BY COALESCE(service, 'none') ORDER BY s", [], true],
  ['SELECT "$id" AS id, latency + status AS s, latency - 1 AS m, -latency AS neg, status / 2 AS half FROM Req', [], false],
  ["SELECT \"$id\" AS id FROM Req WHERE service IN ('api', 'auth') OR status IN (500, 503)", [], false],
  ['SELECT region, SUM(latency) / COUNT(latency) AS mean, COUNT(*) - COUNT(status) AS nostatus FROM Req WHERE status <> 200 GROUP BY region ORDER BY mean DESC', [], true],
  ["SELECT \"$id\" AS id FROM Req WHERE ts BETWEEN '2026-01-01 00:10' AND '2026-01-01T00:40:00Z' AND NOT region = 'us'", [], false],
]

let db: OpenDatabase
let instance: DuckDBInstance
let connection: DuckDBConnection

beforeAll(async () => {
  const random = createRandom(20261121)
  db = await Database.open({ storage: memoryStorage(), schema: SCHEMA })
  const req = db.collection('Req')
  await req.bulkCreate(Array.from({ length: 900 }, () => randomRow(random)))
  await db.flush()
  const fresh = await req.bulkCreate(Array.from({ length: 400 }, () => randomRow(random)))
  for (const row of fresh.slice(0, 40)) await req.update(row.$id, { $set: { latency: null, status: 500 } })
  for (const row of fresh.slice(40, 60)) await req.delete(row.$id)

  instance = await DuckDBInstance.create(':memory:')
  connection = await instance.connect()
  await connection.run('CREATE TABLE Req ("$id" VARCHAR, service VARCHAR, status INTEGER, latency DOUBLE, ok BOOLEAN, region VARCHAR, ts TIMESTAMP, bytes BIGINT)')
  const appender = await connection.createAppender('Req')
  for (const row of await req.find({})) {
    appender.appendVarchar(row.$id)
    for (const [value, append] of [
      [row.service, (v: unknown) => appender.appendVarchar(v as string)],
      [row.status, (v: unknown) => appender.appendInteger(v as number)],
      [row.latency, (v: unknown) => appender.appendDouble(v as number)],
      [row.ok, (v: unknown) => appender.appendBoolean(v as boolean)],
      [row.region, (v: unknown) => appender.appendVarchar(v as string)],
      [row.ts, (v: unknown) => appender.appendTimestamp(new DuckDBTimestampValue(BigInt((v as Date).getTime()) * 1000n))],
      [row.bytes, (v: unknown) => appender.appendBigInt(v as bigint)],
    ] as const) {
      if (value === null || value === undefined) appender.appendNull()
      else append(value)
    }
    appender.endRow()
  }
  appender.closeSync()
})

afterAll(async () => {
  connection?.closeSync()
  await db?.close()
})

/** Dates, DuckDB timestamps and bigints as epoch ms and numbers; numbers rounded to 9 significant digits. */
function canonical(value: unknown): unknown {
  if (value === null || value === undefined) return null
  if (value instanceof Date) return value.getTime()
  if (typeof value === 'bigint') return Number(value)
  if (typeof value === 'number') return Number(value.toPrecision(9))
  if (typeof value === 'object' && 'micros' in value) return Number((value as { micros: bigint }).micros / 1000n)
  return value
}

const canonicalRows = (rows: readonly Record<string, unknown>[]) => rows.map((row) => Object.fromEntries(Object.entries(row).map(([key, value]) => [key, canonical(value)])))
const sortedRows = (rows: unknown[]) => rows.map((row) => JSON.stringify(row)).sort()

describe('db.sql against DuckDB', () => {
  it.each(QUERIES)('%s', async (text, params, ordered) => {
    const ours = canonicalRows(await db.sql(Object.assign([text], { raw: [text] }) as unknown as TemplateStringsArray, ...params))
    const duck = canonicalRows((await connection.runAndReadAll(text, params as never)).getRowObjects())
    expect(ours.length, 'row count').toBe(duck.length)
    if (ordered) expect(ours).toEqual(duck)
    else expect(sortedRows(ours)).toEqual(sortedRows(duck))
  })
})
