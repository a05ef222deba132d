import { afterAll, describe, expect, it } from 'vitest'
import { parseSchema } from '../schema/parse-schema.ts'
import { validateRows } from '../schema/validate.ts'
import { memoryStorage } from '../storage/memory.ts'
import { generateTailEvents, tailEventsDefinition } from '../testing/tail-events.ts'
import { readParquetRows } from './decode.ts'
import { storageAsyncBuffer } from './async-buffer.ts'
import { encodeParquet } from './encode.ts'
import { workerEncoder } from './worker-encoder.ts'

const encoder = workerEncoder()
afterAll(() => encoder.close())

describe('workerEncoder', () => {
  const schema = parseSchema('TailEvents', tailEventsDefinition)
  const rows = validateRows(schema, generateTailEvents({ count: 2_000, seed: 7 }), { variantText: true }).map((row, index) => ({
    ...row,
    $id: `id-${String(index).padStart(6, '0')}`,
    createdAt: new Date(0),
    updatedAt: new Date(0),
  }))

  it('encodes on a worker thread exactly what encodeParquet encodes in-process', async () => {
    const remote = await encoder(schema, rows, { rowGroupSize: 500 })
    const local = encodeParquet(schema, rows, { rowGroupSize: 500 })
    expect(remote.rowCount).toBe(2_000)
    expect(remote.stats).toEqual(local.stats)
    const storage = memoryStorage()
    await storage.put('a.parquet', remote.bytes)
    await storage.put('b.parquet', local.bytes)
    const fromWorker = await readParquetRows(storageAsyncBuffer(storage, 'a.parquet', remote.bytes.byteLength), schema)
    const fromThread = await readParquetRows(storageAsyncBuffer(storage, 'b.parquet', local.bytes.byteLength), schema)
    expect(fromWorker).toEqual(fromThread)
    expect(fromWorker[5]?.event).toEqual(JSON.parse(JSON.stringify(generateTailEvents({ count: 6, seed: 7 })[5]?.event ?? null)))
  })

  it('reports encode errors with their code and keeps working', async () => {
    const bad = [{ ...rows[0], scriptName: null }]
    await expect(encoder(schema, bad, { rowGroupSize: 10 })).rejects.toThrow(/field "scriptName"/)
    expect((await encoder(schema, rows.slice(0, 10), { rowGroupSize: 10 })).rowCount).toBe(10)
  })
})
