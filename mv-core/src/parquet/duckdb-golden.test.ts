import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseSchema } from '../schema/parse-schema.ts'
import type { Row } from '../schema/types.ts'
import { validateRows } from '../schema/validate.ts'
import { readParquetMetadata, readParquetRows } from './decode.ts'
import { encodeParquet } from './encode.ts'

const schema = parseSchema('Golden', {
  name: 'string!',
  note: 'string?',
  qty: 'int',
  big: 'bigint',
  ratio: 'float',
  score: 'double',
  total: 'decimal(10,2)',
  rate: 'decimal(5,4)',
  price: 'decimal(18,4)',
  huge: 'decimal(38,10)',
  ok: 'boolean',
  at: 'timestamp',
  day: 'date',
  meta: 'variant',
  logs: 'variant[]',
  tags: 'string[]',
  nums: 'int[]',
  amounts: 'decimal(38,10)[]',
  cents: 'decimal(10,2)[]',
  times: 'timestamp[]',
  days: 'date[]',
  bigs: 'bigint[]',
  flags: 'boolean[]',
  customer: '-> Customer',
  labels: '-> Tag[]',
})

const input = [
  {
    name: 'héllo 😀 中文',
    note: 'n',
    qty: -2147483648,
    big: 9223372036854775807n,
    ratio: 1.5,
    score: 0.1,
    total: 12345678.99,
    rate: 0.1234,
    price: '99999999999999.9999',
    huge: '-9999999999999999999999999999.9999999999',
    ok: true,
    at: '2024-03-01T12:34:56.789Z',
    day: '2024-02-29',
    meta: { nested: { list: [1, 'two', null, false, { deep: true }] }, n: 1.25 },
    logs: [{ level: 'info' }, null, 42],
    tags: ['a', 'ü'],
    nums: [2147483647, 0],
    amounts: ['12345678901234567890.1234567890', '-0.0000000001'],
    cents: [0.01, -99999999.99],
    times: [0, -1],
    days: ['1969-12-31', '0001-01-01'],
    bigs: [-9223372036854775808n],
    flags: [false, true],
    customer: 'cust-1',
    labels: ['t1'],
  },
  { name: '', tags: [], logs: [], nums: [] },
  { name: 'zeros', qty: 0, big: 0n, ratio: 0, score: 0, total: 0, rate: 0, price: 0, huge: '0', ok: false, at: -86_400_000, day: '1970-01-01', meta: 'text' },
]

let directory = ''
let connection: DuckDBConnection
let rows: Row[] = []
let path = ''

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'parquedb-golden-'))
  path = join(directory, 'golden.parquet')
  rows = validateRows(schema, input).map((row, i) => ({
    $id: `id-${i}`, createdAt: new Date(Date.UTC(2024, 0, 1, 0, 0, i)), updatedAt: new Date(Date.UTC(2024, 0, 2)), ...row,
  }))
  // Small row groups so DuckDB also has to stitch several together.
  writeFileSync(path, encodeParquet(schema, rows, { rowGroupSize: 2 }).bytes)
  connection = await (await DuckDBInstance.create()).connect()
})

afterAll(() => {
  connection?.closeSync()
  rmSync(directory, { recursive: true, force: true })
})

/** The text DuckDB prints for a decimal value: exactly `scale` fractional digits. */
function decimalText(value: unknown, scale: number): string | null {
  if (value === null) return null
  return typeof value === 'number' ? value.toFixed(scale) : String(value)
}

const ms = (value: unknown) => (value instanceof Date ? value.getTime() : null)
const list = <T>(value: unknown, map: (item: unknown) => T): T[] | null => (Array.isArray(value) ? value.map(map) : null)

describe('DuckDB reads what encodeParquet writes', () => {
  it('sees the declared types', async () => {
    const result = await connection.runAndReadAll(`SELECT * FROM read_parquet('${path}')`)
    const types = Object.fromEntries(result.columnNames().map((name, i) => [name, result.columnTypes()[i]?.toString()]))
    const json = (t: string | undefined) => t?.replace(/^VARCHAR/, 'JSON') // JSON when DuckDB's json extension is loaded
    expect({ ...types, meta: json(types.meta), logs: json(types.logs) }).toEqual({
      $id: 'VARCHAR',
      createdAt: 'TIMESTAMP WITH TIME ZONE',
      updatedAt: 'TIMESTAMP WITH TIME ZONE',
      name: 'VARCHAR',
      note: 'VARCHAR',
      qty: 'INTEGER',
      big: 'BIGINT',
      ratio: 'FLOAT',
      score: 'DOUBLE',
      total: 'DECIMAL(10,2)',
      rate: 'DECIMAL(5,4)',
      price: 'DECIMAL(18,4)',
      huge: 'DECIMAL(38,10)',
      ok: 'BOOLEAN',
      at: 'TIMESTAMP WITH TIME ZONE',
      day: 'DATE',
      meta: 'JSON',
      logs: 'JSON[]',
      tags: 'VARCHAR[]',
      nums: 'INTEGER[]',
      amounts: 'DECIMAL(38,10)[]',
      cents: 'DECIMAL(10,2)[]',
      times: 'TIMESTAMP WITH TIME ZONE[]',
      days: 'DATE[]',
      bigs: 'BIGINT[]',
      flags: 'BOOLEAN[]',
      customer: 'VARCHAR',
      labels: 'VARCHAR[]',
    })
  })

  it('reads back exactly the values written', async () => {
    const result = await connection.runAndReadAll(`
      SELECT "$id", epoch_ms("createdAt") AS created, epoch_ms("updatedAt") AS updated,
        name, note, qty, big::VARCHAR AS big, ratio, score,
        total::VARCHAR AS total, rate::VARCHAR AS rate, price::VARCHAR AS price, huge::VARCHAR AS huge,
        ok, epoch_ms("at") AS "at", day::VARCHAR AS day, meta::VARCHAR AS meta,
        list_transform(logs, x -> x::VARCHAR) AS logs, tags, nums,
        list_transform(amounts, x -> x::VARCHAR) AS amounts, list_transform(cents, x -> x::VARCHAR) AS cents,
        list_transform(times, x -> epoch_ms(x)) AS times, list_transform(days, x -> x::VARCHAR) AS days,
        list_transform(bigs, x -> x::VARCHAR) AS bigs, flags, customer, labels
      FROM read_parquet('${path}') ORDER BY "$id"`)
    const actual: Record<string, unknown>[] = result.getRowObjectsJson().map(row => ({
      ...row,
      // Json-mode BIGINT results come back as strings; compare as numbers.
      created: Number(row.created), updated: Number(row.updated), at: row.at === null ? null : Number(row.at),
      times: Array.isArray(row.times) ? row.times.map(Number) : null,
      meta: typeof row.meta === 'string' ? JSON.parse(row.meta) as unknown : null,
      logs: Array.isArray(row.logs) ? row.logs.map(x => (typeof x === 'string' ? JSON.parse(x) as unknown : x)) : null,
    }))
    const expected = rows.map(row => ({
      $id: row.$id,
      created: ms(row.createdAt),
      updated: ms(row.updatedAt),
      name: row.name,
      note: row.note,
      qty: row.qty,
      big: row.big === null ? null : String(row.big),
      ratio: row.ratio,
      score: row.score,
      total: decimalText(row.total, 2),
      rate: decimalText(row.rate, 4),
      price: decimalText(row.price, 4),
      huge: decimalText(row.huge, 10),
      ok: row.ok,
      at: ms(row.at),
      day: row.day,
      meta: row.meta,
      logs: row.logs,
      tags: row.tags,
      nums: row.nums,
      amounts: list(row.amounts, x => decimalText(x, 10)),
      cents: list(row.cents, x => decimalText(x, 2)),
      times: list(row.times, ms),
      days: row.days,
      bigs: list(row.bigs, String),
      flags: row.flags,
      customer: row.customer,
      labels: row.labels,
    }))
    expect(actual).toEqual(expected)
    expect(actual[0]?.huge).toBe('-9999999999999999999999999999.9999999999')
    expect(actual[0]?.total).toBe('12345678.99')
  })

  it('can filter and aggregate the columns natively', async () => {
    const result = await connection.runAndReadAll(`
      SELECT sum(total)::VARCHAR AS total, count(*) FILTER (WHERE ok) AS ok, max("at")::VARCHAR AS latest,
        sum(len(tags)) AS tags, count(*) FILTER (WHERE json_extract_string(meta, '$.nested.list[1]') = 'two') AS two
      FROM read_parquet('${path}')`)
    expect(result.getRowObjectsJson()).toEqual([{ total: '12345678.99', ok: '1', latest: '2024-03-01 12:34:56.789+00', tags: '2', two: '1' }])
  })
})

describe('readParquetRows reads what DuckDB writes', () => {
  it('decodes a ZSTD file with DuckDB\'s own physical layouts (micros, FLBA decimals, lists)', async () => {
    const foreign = join(directory, 'duckdb.parquet')
    await connection.run(`
      COPY (
        SELECT 'id' || i AS "$id",
          TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_seconds(i) AS "createdAt",
          TIMESTAMPTZ '2024-01-02 00:00:00.123+00' AS "updatedAt",
          'n' || i AS name,
          (i * 1.25)::DECIMAL(10,2) AS total,
          (i::DECIMAL(38,10) / 3)::DECIMAL(38,10) AS huge,
          [i::INTEGER, (i + 1)::INTEGER] AS nums,
          CASE WHEN i % 2 = 0 THEN NULL ELSE i * 1000000000000 END::BIGINT AS big,
          DATE '1969-12-30' + i::INTEGER AS day,
          json_object('a', i, 'b', [true, null]) AS meta
        FROM range(5) t(i)
      ) TO '${foreign}' (FORMAT parquet, COMPRESSION zstd)`)
    const bytes = readFileSync(foreign)
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
    const metadata = await readParquetMetadata(file)
    expect(metadata.row_groups[0]?.columns[0]?.meta_data?.codec).toBe('ZSTD')
    const duck = parseSchema('Duck', { name: 'string!', total: 'decimal(10,2)!', huge: 'decimal(38,10)', nums: 'int[]', big: 'bigint', day: 'date', meta: 'variant' })
    const back = await readParquetRows(file, duck, { metadata })
    expect(back).toEqual([0, 1, 2, 3, 4].map(i => ({
      $id: `id${i}`,
      createdAt: new Date(Date.UTC(2024, 0, 1, 0, 0, i)),
      updatedAt: new Date(Date.UTC(2024, 0, 2, 0, 0, 0, 123)),
      name: `n${i}`,
      total: i * 1.25,
      huge: ['0.0000000000', '0.3333333333', '0.6666666667', '1.0000000000', '1.3333333333'][i],
      nums: [i, i + 1],
      big: i % 2 === 0 ? null : BigInt(i) * 1_000_000_000_000n,
      day: ['1969-12-30', '1969-12-31', '1970-01-01', '1970-01-02', '1970-01-03'][i],
      meta: { a: i, b: [true, null] },
    })))
  })
})
