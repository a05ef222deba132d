import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { fsStorage } from './fs.ts'

let root: string
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'parquedb-handles-'))
})
afterEach(async () => {
  await rm(root, { recursive: true, force: true })
})

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes)

describe('fs storage range reads of data files (kept handles)', () => {
  it('reads the current bytes after a put or delete through the driver', async () => {
    const storage = fsStorage({ root })
    await storage.put('t/data/a.parquet', 'abcdef')
    expect(text(await storage.getRange('t/data/a.parquet', 1, 3))).toBe('bcd')
    expect(text(await storage.getRange('t/data/a.parquet', 3, 3))).toBe('def')
    await storage.put('t/data/a.parquet', 'uvwxyz')
    expect(text(await storage.getRange('t/data/a.parquet', 0, 2))).toBe('uv')
    await storage.delete('t/data/a.parquet')
    await expect(storage.getRange('t/data/a.parquet', 0, 2)).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await expect(storage.getRange('t/data/absent.parquet', 0, 1)).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await storage.put('t/data/a.parquet', 'again')
    expect(text(await storage.getRange('t/data/a.parquet', 0, 5))).toBe('again')
    await expect(storage.getRange('t/data/a.parquet', 3, 5)).rejects.toThrow(/a.parquet/)
  })

  it('stays correct with more files than it keeps open, read concurrently', async () => {
    const storage = fsStorage({ root })
    const keys = Array.from({ length: 100 }, (_, index) => `t/data/${String(index).padStart(3, '0')}.parquet`)
    await Promise.all(keys.map((key, index) => storage.put(key, `file-${index}`)))
    for (let round = 0; round < 2; round++) {
      const read = await Promise.all(keys.map((key) => storage.getRange(key, 0, 5).then(text)))
      expect(read.every((value) => value === 'file-')).toBe(true)
      const tails = await Promise.all(keys.map((key, index) => storage.getRange(key, 5, String(index).length).then(text)))
      expect(tails).toEqual(keys.map((_, index) => String(index)))
    }
  })
})
