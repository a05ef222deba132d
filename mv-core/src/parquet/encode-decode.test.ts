import type { AsyncBuffer } from 'hyparquet'
import { describe, expect, it } from 'vitest'
import { ParqueDBError } from '../errors.ts'
import { parseSchema } from '../schema/parse-schema.ts'
import type { Row, StatsByColumn } from '../schema/types.ts'
import { validateRows } from '../schema/validate.ts'
import { readParquetColumns, readParquetMetadata, readParquetRows } from './decode.ts'
import { encodeParquet } from './encode.ts'
import { schemaMetadataOf } from './schema-metadata.ts'

/** An in-memory file that records every byte range asked of it. */
function countingBuffer(bytes: Uint8Array): AsyncBuffer & { ranges: [number, number][], fetched: () => number } {
  const ranges: [number, number][] = []
  return {
    byteLength: bytes.byteLength,
    ranges,
    fetched: () => ranges.reduce((sum, [start, end]) => sum + end - start, 0),
    slice(start: number, end = bytes.byteLength) {
      ranges.push([start, end])
      return bytes.slice(start, end).buffer
    },
  }
}

function buffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer
}

const system = (i: number) => ({
  $id: `id-${String(i).padStart(6, '0')}`,
  createdAt: new Date(Date.UTC(2024, 0, 1) + i * 1000),
  updatedAt: new Date(Date.UTC(2024, 0, 2) + i * 1000),
})

/** Validates rows and fills the system fields, as the engine does before encoding. */
function prepare(schema: ReturnType<typeof parseSchema>, rows: unknown[]): Row[] {
  return validateRows(schema, rows).map((row, i) => ({ ...system(i), ...row }))
}

const everything = parseSchema('Everything', {
  name: 'string!',
  note: 'string?',
  qty: 'int',
  count: 'int!',
  big: 'bigint',
  ratio: 'float',
  score: 'double',
  total: 'decimal(10,2)',
  rate: 'decimal(5,4)!',
  price: 'decimal(18,4)',
  huge: 'decimal(38,10)',
  ok: 'boolean',
  at: 'timestamp',
  day: 'date',
  meta: 'variant',
  payload: 'variant!',
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
  items: '<- Item[]',
})

const everyKind = [
  {
    name: 'héllo 😀 中文',
    note: 'a note',
    qty: 2147483647,
    count: -2147483648,
    big: 9223372036854775807n,
    ratio: 1.5,
    score: 0.1,
    total: 12345678.99,
    rate: 0.1234,
    price: '99999999999999.9999',
    huge: '9999999999999999999999999999.9999999999',
    ok: true,
    at: new Date('2024-03-01T12:34:56.789Z'),
    day: '2024-02-29',
    meta: { nested: { list: [1, 'two', null, false, { deep: true }] }, n: 1.25 },
    payload: 'just a string',
    logs: [{ level: 'info', msg: 'hi' }, null, 42, ['x']],
    tags: ['a', 'b', 'ü'],
    nums: [1, -1, 0],
    amounts: ['-12345678901234567890.1234567890', '0.0000000001'],
    cents: [0.01, -99999999.99],
    times: [new Date(0), new Date(-86_400_000)],
    days: ['1969-12-31', '9999-12-31'],
    bigs: [-9223372036854775808n, 0n],
    flags: [true, false],
    customer: 'cust-1',
    labels: ['t1', 't2'],
  },
  {
    name: '',
    count: 0,
    rate: -9.9999,
    payload: { only: 'required' },
    logs: [],
    tags: [],
    nums: [],
    amounts: [],
  },
  {
    name: 'negatives',
    qty: -5,
    count: 7,
    big: -9223372036854775808n,
    ratio: -3.4028234663852886e38,
    score: -1e-300,
    total: -0.01,
    rate: 0,
    price: -12.5,
    huge: '-0.0000000001',
    ok: false,
    at: new Date(-1),
    day: '0001-01-01',
    meta: [null],
    payload: 0,
    customer: null,
  },
]

describe('encodeParquet / readParquetRows', () => {
  it('round-trips every kind, with nulls, exactly', async () => {
    const rows = prepare(everything, everyKind)
    const encoded = encodeParquet(everything, rows)
    expect(encoded.rowCount).toBe(3)
    const file = buffer(encoded.bytes)
    const back = await readParquetRows(file, everything)
    expect(back).toEqual(rows)
    // Exact decimals, spot-checked beyond toEqual.
    expect(back[0]?.total).toBe(12345678.99)
    expect(back[0]?.huge).toBe('9999999999999999999999999999.9999999999')
    expect(back[1]?.amounts).toEqual([])
    expect(back[1]?.cents).toBeNull()
    expect(back[2]?.at).toEqual(new Date(-1))
    expect(Object.keys(back[0] ?? {})).toEqual(everything.columns.map(c => c.name))
  })

  it('writes a self-describing file', async () => {
    const rows = prepare(everything, everyKind)
    const metadata = await readParquetMetadata(buffer(encodeParquet(everything, rows).bytes))
    const stored = schemaMetadataOf(metadata)
    expect(stored?.collection).toBe('Everything')
    expect(stored?.definition.total).toBe('decimal(10,2)')
    expect(stored?.definition.items).toBe('<- Item[]')
    expect(parseSchema(stored?.collection ?? '', stored?.definition).columns).toEqual(everything.columns)
    expect(metadata.created_by).toBe('parquedb')
    const codecs = new Set(metadata.row_groups.flatMap(g => g.columns.map(c => c.meta_data?.codec)))
    expect([...codecs]).toEqual(['SNAPPY'])
    const element = (name: string) => metadata.schema.find(e => e.name === name)
    expect(element('name')?.repetition_type).toBe('REQUIRED')
    expect(element('note')?.repetition_type).toBe('OPTIONAL')
    expect(element('total')).toMatchObject({ type: 'INT64', converted_type: 'DECIMAL', precision: 10, scale: 2 })
    expect(element('rate')).toMatchObject({ type: 'INT32', precision: 5, scale: 4 })
    expect(element('huge')).toMatchObject({ type: 'FIXED_LEN_BYTE_ARRAY', type_length: 16, precision: 38, scale: 10 })
    expect(element('at')).toMatchObject({ type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' } })
    expect(element('tags')).toMatchObject({ converted_type: 'LIST', repetition_type: 'OPTIONAL' })
    const encodings = (name: string) => metadata.row_groups[0]?.columns.find(c => c.meta_data?.path_in_schema[0] === name)?.meta_data?.encodings
    expect(encodings('at')).toContain('DELTA_BINARY_PACKED')
    expect(encodings('createdAt')).toContain('DELTA_BINARY_PACKED')
    // Variant columns carry no footer statistics: their bounds would be whole documents.
    expect(metadata.row_groups[0]?.columns.find(c => c.meta_data?.path_in_schema[0] === 'meta')?.meta_data?.statistics).toBeUndefined()
  })

  it('computes whole-file stats in the JSON-safe form', () => {
    const rows = prepare(everything, everyKind)
    const { stats } = encodeParquet(everything, rows)
    expect(stats.name).toEqual({ min: '', max: 'négatives'.replace('é', 'e'), nullCount: 0 })
    expect(stats.qty).toEqual({ min: -5, max: 2147483647, nullCount: 1 })
    expect(stats.big).toEqual({ min: '-9223372036854775808', max: '9223372036854775807', nullCount: 1 })
    expect(stats.total).toEqual({ min: -0.01, max: 12345678.99, nullCount: 1 })
    expect(stats.rate).toEqual({ min: -9.9999, max: 0.1234, nullCount: 0 })
    expect(stats.ok).toEqual({ min: false, max: true, nullCount: 1 })
    expect(stats.at).toEqual({ min: -1, max: Date.parse('2024-03-01T12:34:56.789Z'), nullCount: 1 })
    expect(stats.day).toEqual({ min: '0001-01-01', max: '2024-02-29', nullCount: 1 })
    expect(stats.meta).toEqual({ nullCount: 1 })
    expect(stats.tags).toEqual({ nullCount: 1 })
    expect(stats.customer).toEqual({ min: 'cust-1', max: 'cust-1', nullCount: 2 })
    expect(stats.$id).toEqual({ min: 'id-000000', max: 'id-000002', nullCount: 0 })
    // Above precision 15 the bounds are widened doubles: still bounds.
    const huge = stats.huge as { min: number, max: number }
    expect(huge.min).toBeLessThanOrEqual(-1e-10)
    expect(huge.min).toBeCloseTo(-1e-10, 15)
    expect(huge.max).toBeGreaterThanOrEqual(1e28)
    expect(JSON.parse(JSON.stringify(stats))).toEqual(stats)
  })

  it('handles an empty batch and many row groups', async () => {
    const schema = parseSchema('Seq', { seq: 'int!', label: 'string' })
    const empty = encodeParquet(schema, [])
    expect(empty.rowCount).toBe(0)
    expect(empty.stats.seq).toEqual({ nullCount: 0 })
    expect(await readParquetRows(buffer(empty.bytes), schema)).toEqual([])

    const rows = prepare(schema, Array.from({ length: 2500 }, (_, i) => ({ seq: i, label: i % 3 === 0 ? null : `L${i % 7}` })))
    const encoded = encodeParquet(schema, rows, { rowGroupSize: 1000 })
    const metadata = await readParquetMetadata(buffer(encoded.bytes))
    expect(metadata.row_groups.map(g => Number(g.num_rows))).toEqual([1000, 1000, 500])
    const back = await readParquetRows(buffer(encoded.bytes), schema, { metadata })
    expect(back).toEqual(rows)
  })

  it('returns one object per row for repeated (dictionary-encoded) values', async () => {
    const schema = parseSchema('Dict', { v: 'variant!', at: 'timestamp!', tags: 'string[]' })
    const at = new Date(1000)
    const rows = prepare(schema, Array.from({ length: 100 }, () => ({ v: { same: [1, 2] }, at, tags: ['x'] })))
    const back = await readParquetRows(buffer(encodeParquet(schema, rows).bytes), schema)
    expect(back[0]?.v).toEqual({ same: [1, 2] })
    expect(back[0]?.v).not.toBe(back[1]?.v)
    expect(back[0]?.at).not.toBe(back[1]?.at)
    expect(back[0]?.tags).not.toBe(back[1]?.tags)
  })

  it('rejects rows that were not normalized', () => {
    const schema = parseSchema('T', { total: 'decimal(10,2)!', at: 'timestamp' })
    const base = { ...system(0), total: 1, at: null }
    const message = (row: Row) => {
      try {
        encodeParquet(schema, [row])
      } catch (error) {
        if (ParqueDBError.isInstance(error, 'VALIDATION')) return error.message
        throw error
      }
      return 'no error'
    }
    expect(message({ ...base, total: null })).toBe('[parquedb] collection "T": row 0: field "total": cannot encode null as decimal(10,2) (required) (validate rows before encoding)')
    expect(message({ ...base, total: 1.234 })).toBe('[parquedb] collection "T": row 0: field "total": cannot encode 1.234 as decimal(10,2) (required) (validate rows before encoding)')
    expect(message({ ...base, at: '2024-01-01' })).toBe('[parquedb] collection "T": row 0: field "at": cannot encode "2024-01-01" as timestamp (validate rows before encoding)')
    expect(message({ ...base, $id: undefined })).toBe('[parquedb] collection "T": row 0: field "$id": cannot encode undefined as string (required) (validate rows before encoding)')
  })
})

describe('readParquetColumns', () => {
  const wide = parseSchema('Wide', { a: 'double!', b: 'double!', c: 'double!', seq: 'int!', tag: 'string' })
  const wideRows = prepare(wide, Array.from({ length: 20_000 }, (_, i) => ({
    a: Math.sin(i) * 1000, b: Math.cos(i) * 1000, c: Math.sqrt(i) + i / 7, seq: i, tag: `t${i % 10}`,
  })))
  const wideBytes = encodeParquet(wide, wideRows, { rowGroupSize: 4000 }).bytes

  it('yields one batch per row group with typed arrays for required numbers', async () => {
    const batches = []
    for await (const batch of readParquetColumns(buffer(wideBytes), wide, { columns: ['a', 'seq', 'createdAt'] })) batches.push(batch)
    expect(batches.map(b => [b.rowGroup, b.rowStart, b.rowCount])).toEqual([[0, 0, 4000], [1, 4000, 4000], [2, 8000, 4000], [3, 12000, 4000], [4, 16000, 4000]])
    const first = batches[0]
    expect(Object.keys(first?.columns ?? {})).toEqual(['a', 'seq', 'createdAt'])
    expect(first?.columns.a).toBeInstanceOf(Float64Array)
    expect(first?.columns.seq).toBeInstanceOf(Int32Array)
    expect(first?.columns.a?.[7]).toBe(wideRows[7]?.a)
    expect(batches[4]?.columns.seq?.[3999]).toBe(19_999)
    expect(batches[2]?.columns.createdAt?.[5]).toEqual(wideRows[8005]?.createdAt)
  })

  it('projection fetches only the requested column chunks', async () => {
    const metadata = await readParquetMetadata(buffer(wideBytes))
    const file = countingBuffer(wideBytes)
    const rows = await readParquetRows(file, wide, { metadata, columns: ['a', 'c'] })
    expect(rows).toHaveLength(20_000)
    expect(rows[123]).toEqual({ a: wideRows[123]?.a, c: wideRows[123]?.c })

    const chunkRange = (name: string) => metadata.row_groups.map(group => {
      const meta = group.columns.find(c => c.meta_data?.path_in_schema[0] === name)?.meta_data
      const start = Number(meta?.dictionary_page_offset || meta?.data_page_offset)
      return [start, start + Number(meta?.total_compressed_size)] as const
    })
    const overlaps = ([s1, e1]: readonly [number, number], [s2, e2]: readonly [number, number]) => s1 < e2 && s2 < e1
    for (const other of ['$id', 'createdAt', 'updatedAt', 'b', 'seq', 'tag']) {
      for (const range of chunkRange(other)) {
        for (const requested of file.ranges) expect(overlaps(range, requested), `${other} chunk fetched`).toBe(false)
      }
    }
    const wanted = [...chunkRange('a'), ...chunkRange('c')].reduce((sum, [s, e]) => sum + e - s, 0)
    expect(file.fetched()).toBe(wanted)
  })

  it('rowGroupFilter sees footer stats and prunes row groups before fetching them', async () => {
    const metadata = await readParquetMetadata(buffer(wideBytes))
    const seen: [StatsByColumn, number][] = []
    const all = countingBuffer(wideBytes)
    await readParquetRows(all, wide, { metadata, columns: ['seq', 'a'] })
    const pruned = countingBuffer(wideBytes)
    const rows = await readParquetRows(pruned, wide, {
      metadata,
      columns: ['seq', 'a'],
      rowGroupFilter: (stats, rowCount) => {
        seen.push([stats, rowCount])
        return Number(stats.seq?.max) >= 12_500
      },
    })
    expect(seen).toHaveLength(5)
    expect(seen[0]?.[1]).toBe(4000)
    expect(seen[0]?.[0].seq).toEqual({ min: 0, max: 3999, nullCount: 0 })
    expect(seen[1]?.[0].$id).toEqual({ min: 'id-004000', max: 'id-007999', nullCount: 0 })
    expect(seen[1]?.[0].createdAt).toEqual({ min: wideRows[4000]?.createdAt?.valueOf(), max: wideRows[7999]?.createdAt?.valueOf(), nullCount: 0 })
    expect(seen[0]?.[0].tag).toEqual({ min: 't0', max: 't9', nullCount: 0 })
    expect(rows.map(r => r.seq)).toEqual(Array.from({ length: 8000 }, (_, i) => 12_000 + i))
    expect(pruned.fetched()).toBeLessThan(all.fetched() / 2)
    // Two row groups × two non-adjacent column chunks (a and seq).
    expect(pruned.ranges).toHaveLength(4)
  })

  it('reads the footer once when given metadata, and otherwise once per read', async () => {
    const file = countingBuffer(wideBytes)
    const metadata = await readParquetMetadata(file)
    expect(file.ranges).toHaveLength(1)
    await readParquetRows(file, wide, { metadata, columns: ['seq'] })
    expect(file.ranges).toHaveLength(6)
    const other = countingBuffer(wideBytes)
    await readParquetRows(other, wide, { columns: ['seq'] })
    expect(other.ranges).toHaveLength(6)
  })

  it('fills columns the file predates with nulls and reports them as all-null', async () => {
    const v1 = parseSchema('Evolving', { name: 'string!' })
    const v2 = parseSchema('Evolving', { name: 'string!', score: 'double', tags: 'string[]' })
    const bytes = encodeParquet(v1, prepare(v1, [{ name: 'a' }, { name: 'b' }])).bytes
    let stats: StatsByColumn | undefined
    const rows = await readParquetRows(buffer(bytes), v2, { rowGroupFilter: s => ((stats = s), true) })
    expect(rows.map(r => [r.name, r.score, r.tags])).toEqual([['a', null, null], ['b', null, null]])
    expect(stats?.score).toEqual({ nullCount: 2 })
    expect(await readParquetRows(buffer(bytes), v2, { columns: ['score'] })).toEqual([{ score: null }, { score: null }])
  })

  it('rejects unknown projection columns and unreadable files', async () => {
    const read = (columns: string[]) => readParquetRows(buffer(wideBytes), wide, { columns })
    await expect(read(['nope'])).rejects.toThrow('[parquedb] collection "Wide": column "nope" is not a column of the collection')
    const withReverse = parseSchema('R', { items: '<- Item[]' })
    await expect(readParquetRows(buffer(wideBytes), withReverse, { columns: ['items'] })).rejects.toMatchObject({ code: 'BAD_FILTER', message: '[parquedb] collection "R": column "items" is a reverse relation and is not stored' })
    await expect(readParquetMetadata(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]).buffer)).rejects.toMatchObject({ code: 'CORRUPT' })
    const damaged = wideBytes.slice()
    damaged.fill(7, 4, 2000)
    await expect(readParquetRows(buffer(damaged), wide)).rejects.toMatchObject({ code: 'CORRUPT' })
  })
})
