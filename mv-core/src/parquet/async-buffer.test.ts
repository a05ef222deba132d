import { describe, expect, it } from 'vitest'
import { ParqueDBError } from '../errors.ts'
import { parseSchema } from '../schema/parse-schema.ts'
import type { ObjectInfo, StorageDriver } from '../storage/types.ts'
import { storageAsyncBuffer } from './async-buffer.ts'
import { readParquetMetadata, readParquetRows } from './decode.ts'
import { encodeParquet } from './encode.ts'

/** A one-object driver that records getRange calls; only what storageAsyncBuffer uses is real. */
function fakeDriver(bytes: Uint8Array, options: { short?: boolean, failures?: number } = {}) {
  const calls: [number, number][] = []
  let failures = options.failures ?? 0
  const unused = () => Promise.reject(new Error('not used'))
  const driver: StorageDriver = {
    name: 'fake',
    get: unused,
    head: unused,
    put: unused as () => Promise<ObjectInfo>,
    list: unused,
    delete: unused,
    async getRange(key, offset, length) {
      calls.push([offset, length])
      if (failures > 0) {
        failures--
        throw new ParqueDBError('STORAGE', `object "${key}": backend down`)
      }
      // Hand back a view into a bigger buffer, as real drivers may.
      const padded = new Uint8Array(length + 16)
      padded.set(bytes.subarray(offset, offset + length), 8)
      return padded.subarray(8, 8 + (options.short ? length - 1 : length))
    },
  }
  return { driver, calls }
}

const schema = parseSchema('Log', { msg: 'string!', n: 'int!' })
const rows = Array.from({ length: 5000 }, (_, i) => ({
  $id: `l${i}`, createdAt: new Date(i), updatedAt: new Date(i), msg: `message number ${i} ${'x'.repeat(i % 50)}`, n: i,
}))
const bytes = encodeParquet(schema, rows, { rowGroupSize: 1000 }).bytes

describe('storageAsyncBuffer', () => {
  it('reads byte ranges through driver.getRange', async () => {
    const { driver, calls } = fakeDriver(bytes)
    const file = storageAsyncBuffer(driver, 'logs/a.parquet', bytes.byteLength, { wholeFileBelow: 0 })
    const slice = new Uint8Array(await file.slice(10, 20))
    expect([...slice]).toEqual([...bytes.subarray(10, 20)])
    expect(calls).toEqual([[10, 10]])
    expect((await file.slice(bytes.byteLength - 4)).byteLength).toBe(4)
    expect(await readParquetRows(file, schema, { columns: ['n'] })).toHaveLength(5000)
  })

  it('fetches a small object whole, once, on first use', async () => {
    const { driver, calls } = fakeDriver(bytes)
    const file = storageAsyncBuffer(driver, 'logs/a.parquet', bytes.byteLength)
    expect(calls).toEqual([])
    const metadata = await readParquetMetadata(file)
    const back = await readParquetRows(file, schema, { metadata })
    expect(back).toEqual(rows)
    expect(calls).toEqual([[0, bytes.byteLength]])
  })

  it('retries the whole-object fetch after a failure', async () => {
    const { driver, calls } = fakeDriver(bytes, { failures: 1 })
    const file = storageAsyncBuffer(driver, 'logs/a.parquet', bytes.byteLength)
    await expect(file.slice(0, 4)).rejects.toMatchObject({ code: 'STORAGE' })
    expect(new Uint8Array(await file.slice(0, 4))).toEqual(bytes.subarray(0, 4))
    expect(calls).toHaveLength(2)
  })

  it('rejects short reads and ranges outside the object', async () => {
    const { driver } = fakeDriver(bytes, { short: true })
    const file = storageAsyncBuffer(driver, 'logs/a.parquet', bytes.byteLength, { wholeFileBelow: 0 })
    await expect(file.slice(0, 10)).rejects.toThrow('[parquedb] object "logs/a.parquet": asked for 10 bytes at 0, got 9')
    await expect(file.slice(5, bytes.byteLength + 1)).rejects.toMatchObject({ code: 'CORRUPT' })
    expect(() => storageAsyncBuffer(driver, 'k', -1)).toThrow(ParqueDBError)
  })
})
