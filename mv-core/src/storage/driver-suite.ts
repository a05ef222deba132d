import { beforeEach, describe, expect, it } from 'vitest'
import { ParqueDBError, type ErrorCode } from '../errors.ts'
import type { StorageDriver } from './types.ts'

/** Options for `describeStorageDriver`. */
export interface DriverSuiteOptions {
  /** True when rewriting identical bytes yields a new etag (memory, fs); R2 etags are content hashes. */
  etagChangesOnIdenticalPut?: boolean
  /** Per-test timeout for the slow cases (large object, races). Default 30 s. */
  slowTimeoutMs?: number
}

/**
 * The StorageDriver contract as a vitest suite. `makeDriver` is called before every test and must
 * return a driver over empty storage.
 *
 * @example
 * describeStorageDriver('memory', () => memoryStorage(), { etagChangesOnIdenticalPut: true })
 */
export function describeStorageDriver(name: string, makeDriver: () => StorageDriver | Promise<StorageDriver>, options: DriverSuiteOptions = {}): void {
  const slow = options.slowTimeoutMs ?? 30_000

  describe(`StorageDriver contract: ${name}`, () => {
    let storage: StorageDriver
    beforeEach(async () => {
      storage = await makeDriver()
    })

    describe('get / put / head', () => {
      it('reports absent keys as undefined', async () => {
        expect(await storage.get('missing/object.bin')).toBeUndefined()
        expect(await storage.head('missing/object.bin')).toBeUndefined()
      })

      it('stores a string as UTF-8 and returns its ObjectInfo', async () => {
        const info = await storage.put('docs/hello.txt', 'héllo ✓')
        const expected = new TextEncoder().encode('héllo ✓')
        expect(info.key).toBe('docs/hello.txt')
        expect(info.size).toBe(expected.byteLength)
        expect(typeof info.etag).toBe('string')
        expect(info.etag.length).toBeGreaterThan(0)
        expect(info.modified).toBeInstanceOf(Date)
        expect(Number.isNaN(info.modified.getTime())).toBe(false)
        expect(bytesOf(await storage.get('docs/hello.txt'))).toEqual(expected)
      })

      it('round-trips every byte value', async () => {
        const data = new Uint8Array(512)
        for (let i = 0; i < data.length; i++) data[i] = (i * 7 + 3) % 256
        await storage.put('bin/all-bytes', data)
        expect(bytesOf(await storage.get('bin/all-bytes'))).toEqual(data)
      })

      it('round-trips an empty object', async () => {
        const info = await storage.put('empty', new Uint8Array(0))
        expect(info.size).toBe(0)
        expect(bytesOf(await storage.get('empty'))).toEqual(new Uint8Array(0))
        expect((await storage.head('empty'))?.size).toBe(0)
      })

      it('accepts non-ASCII keys', async () => {
        await storage.put('données/été.json', '{}')
        expect(await text(storage.get('données/été.json'))).toBe('{}')
        expect((await storage.list('données/')).map((o) => o.key)).toEqual(['données/été.json'])
      })

      it('head agrees with the put that wrote the object', async () => {
        const info = await storage.put('a/b/c.parquet', new Uint8Array([1, 2, 3]))
        const head = await storage.head('a/b/c.parquet')
        expect(head).toBeDefined()
        expect(head?.key).toBe('a/b/c.parquet')
        expect(head?.size).toBe(3)
        expect(head?.etag).toBe(info.etag)
        expect(head?.modified.getTime()).toBe(info.modified.getTime())
      })

      it('overwrites: new content, new size, new etag', async () => {
        const first = await storage.put('k', 'one')
        const second = await storage.put('k', 'three')
        expect(await text(storage.get('k'))).toBe('three')
        expect(second.size).toBe(5)
        expect(second.etag).not.toBe(first.etag)
        expect((await storage.head('k'))?.etag).toBe(second.etag)
      })

      if (options.etagChangesOnIdenticalPut) {
        it('gives every put a new etag, even with identical bytes', async () => {
          const first = await storage.put('same', 'bytes')
          const second = await storage.put('same', 'bytes')
          expect(second.etag).not.toBe(first.etag)
        })
      }

      it('isolates stored bytes from the caller’s buffers', async () => {
        const input = new Uint8Array([1, 2, 3, 4])
        await storage.put('iso', input)
        input[0] = 99
        const out = await storage.get('iso')
        expect(bytesOf(out)).toEqual(new Uint8Array([1, 2, 3, 4]))
        if (out !== undefined) out[1] = 99
        expect(bytesOf(await storage.get('iso'))).toEqual(new Uint8Array([1, 2, 3, 4]))
        const range = await storage.getRange('iso', 0, 2)
        range[0] = 42
        expect(bytesOf(await storage.get('iso'))).toEqual(new Uint8Array([1, 2, 3, 4]))
      })

      it('stores a subarray view as exactly its own bytes', async () => {
        const backing = new Uint8Array([9, 9, 1, 2, 3, 9, 9])
        const info = await storage.put('view', backing.subarray(2, 5))
        expect(info.size).toBe(3)
        expect(bytesOf(await storage.get('view'))).toEqual(new Uint8Array([1, 2, 3]))
      })

      it(
        'round-trips a 5 MB object and reads ranges of it',
        async () => {
          const size = 5 * 1024 * 1024 + 13
          const data = pattern(size)
          const info = await storage.put('large/blob.bin', data)
          expect(info.size).toBe(size)
          const back = bytesOf(await storage.get('large/blob.bin'))
          expect(back.byteLength).toBe(size)
          expect(equalBytes(back, data)).toBe(true)
          expect(await storage.getRange('large/blob.bin', size - 8, 8)).toEqual(data.slice(size - 8))
          expect(await storage.getRange('large/blob.bin', 3 * 1024 * 1024 + 1, 100_000)).toEqual(data.slice(3 * 1024 * 1024 + 1, 3 * 1024 * 1024 + 1 + 100_000))
        },
        slow,
      )
    })

    describe('getRange', () => {
      const data = new Uint8Array([10, 11, 12, 13, 14, 15, 16, 17, 18, 19])
      beforeEach(async () => {
        await storage.put('range/ten', data)
      })

      it('reads the requested bytes', async () => {
        expect(await storage.getRange('range/ten', 0, 3)).toEqual(new Uint8Array([10, 11, 12]))
        expect(await storage.getRange('range/ten', 4, 2)).toEqual(new Uint8Array([14, 15]))
        expect(await storage.getRange('range/ten', 7, 3)).toEqual(new Uint8Array([17, 18, 19]))
        expect(await storage.getRange('range/ten', 0, 10)).toEqual(data)
      })

      it('reads zero bytes anywhere up to the end', async () => {
        expect(await storage.getRange('range/ten', 0, 0)).toEqual(new Uint8Array(0))
        expect(await storage.getRange('range/ten', 10, 0)).toEqual(new Uint8Array(0))
      })

      it('refuses ranges outside the object instead of shortening them', async () => {
        await expectCode(storage.getRange('range/ten', 8, 3), 'STORAGE')
        await expectCode(storage.getRange('range/ten', 10, 1), 'STORAGE')
        await expectCode(storage.getRange('range/ten', 11, 0), 'STORAGE')
        await expectCode(storage.getRange('range/ten', 50, 5), 'STORAGE')
      })

      it('refuses negative or fractional arguments', async () => {
        await expectCode(storage.getRange('range/ten', -1, 2), 'STORAGE')
        await expectCode(storage.getRange('range/ten', 0, -2), 'STORAGE')
        await expectCode(storage.getRange('range/ten', 0.5, 2), 'STORAGE')
      })

      it('throws NOT_FOUND for an absent key', async () => {
        await expectCode(storage.getRange('range/none', 0, 1), 'NOT_FOUND')
        await expectCode(storage.getRange('range/none', 0, 0), 'NOT_FOUND')
      })
    })

    describe('list', () => {
      it('lists nothing in empty storage', async () => {
        expect(await storage.list('')).toEqual([])
        expect(await storage.list('nothing/here/')).toEqual([])
      })

      it('returns every object under a prefix, sorted by key, with head-equal info', async () => {
        const keys = ['t/b', 't/a/2', 't/a/1', 't/c/d/e', 'u/x', 't.txt', 'tt/y', 'T/z']
        for (const key of keys) await storage.put(key, key)
        expect((await storage.list('')).map((o) => o.key)).toEqual([...keys].sort())
        const under = await storage.list('t/')
        expect(under.map((o) => o.key)).toEqual(['t/a/1', 't/a/2', 't/b', 't/c/d/e'])
        expect((await storage.list('t/a/')).map((o) => o.key)).toEqual(['t/a/1', 't/a/2'])
        expect((await storage.list('t/c/d/')).map((o) => o.key)).toEqual(['t/c/d/e'])
        for (const object of under) {
          const head = await storage.head(object.key)
          expect(object.size).toBe(head?.size)
          expect(object.etag).toBe(head?.etag)
          expect(object.modified.getTime()).toBe(head?.modified.getTime())
        }
      })

      it('does not treat a prefix as a string prefix of sibling names', async () => {
        await storage.put('ab/x', '1')
        await storage.put('a/y', '2')
        expect((await storage.list('a/')).map((o) => o.key)).toEqual(['a/y'])
      })

      it('pages through many objects', { timeout: slow }, async () => {
        const keys = Array.from({ length: 1100 }, (_, i) => `many/${String(i).padStart(5, '0')}`)
        for (let i = 0; i < keys.length; i += 100) await Promise.all(keys.slice(i, i + 100).map((key) => storage.put(key, 'x')))
        const listed = await storage.list('many/')
        expect(listed.length).toBe(keys.length)
        expect(listed.map((o) => o.key)).toEqual(keys)
      })

      it('rejects prefixes that are not "" or end with "/"', async () => {
        await expectCode(storage.list('partial'), 'BAD_KEY')
        await expectCode(storage.list('/abs/'), 'BAD_KEY')
        await expectCode(storage.list('a//'), 'BAD_KEY')
        await expectCode(storage.list('../'), 'BAD_KEY')
        await expectCode(storage.list('/'), 'BAD_KEY')
      })
    })

    describe('delete', () => {
      it('removes an object from get, head, getRange and list', async () => {
        await storage.put('d/1', 'x')
        await storage.put('d/2', 'y')
        await storage.delete('d/1')
        expect(await storage.get('d/1')).toBeUndefined()
        expect(await storage.head('d/1')).toBeUndefined()
        await expectCode(storage.getRange('d/1', 0, 1), 'NOT_FOUND')
        expect((await storage.list('d/')).map((o) => o.key)).toEqual(['d/2'])
      })

      it('is idempotent', async () => {
        await storage.delete('never/existed')
        await storage.put('once', 'x')
        await storage.delete('once')
        await storage.delete('once')
        expect(await storage.get('once')).toBeUndefined()
      })
    })

    describe('conditional puts', () => {
      it('create-only writes an absent key and refuses an existing one', async () => {
        const info = await storage.put('log/1.json', 'first', { ifNoneMatch: '*' })
        expect(info.size).toBe(5)
        await expectCode(storage.put('log/1.json', 'second', { ifNoneMatch: '*' }), 'PRECONDITION_FAILED')
        expect(await text(storage.get('log/1.json'))).toBe('first')
        expect((await storage.head('log/1.json'))?.etag).toBe(info.etag)
      })

      it('create-only succeeds again once the key is deleted', async () => {
        await storage.put('log/2.json', 'a', { ifNoneMatch: '*' })
        await storage.delete('log/2.json')
        await storage.put('log/2.json', 'b', { ifNoneMatch: '*' })
        expect(await text(storage.get('log/2.json'))).toBe('b')
      })

      it('if-match replaces when the etag is current', async () => {
        const first = await storage.put('ptr', 'v1')
        const second = await storage.put('ptr', 'v2', { ifMatch: first.etag })
        expect(second.etag).not.toBe(first.etag)
        expect(await text(storage.get('ptr'))).toBe('v2')
        const third = await storage.put('ptr', 'v3', { ifMatch: second.etag })
        expect((await storage.head('ptr'))?.etag).toBe(third.etag)
      })

      it('if-match refuses a stale etag and a missing key', async () => {
        const first = await storage.put('ptr', 'v1')
        await storage.put('ptr', 'v2')
        await expectCode(storage.put('ptr', 'v3', { ifMatch: first.etag }), 'PRECONDITION_FAILED')
        expect(await text(storage.get('ptr'))).toBe('v2')
        await expectCode(storage.put('nothing', 'v', { ifMatch: first.etag }), 'PRECONDITION_FAILED')
        expect(await storage.get('nothing')).toBeUndefined()
      })

      it('refuses ifNoneMatch together with ifMatch', async () => {
        const info = await storage.put('both', 'x')
        await expectCode(storage.put('both', 'y', { ifNoneMatch: '*', ifMatch: info.etag }), 'PRECONDITION_FAILED')
        expect(await text(storage.get('both'))).toBe('x')
      })

      it('lets exactly one of many racing create-only puts win', { timeout: slow }, async () => {
        for (const round of [0, 1, 2]) {
          const key = `race/create-${round}`
          const results = await Promise.allSettled(Array.from({ length: 16 }, (_, i) => storage.put(key, `writer-${i}`, { ifNoneMatch: '*' })))
          const winners = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []))
          expect(winners).toHaveLength(1)
          for (const r of results) if (r.status === 'rejected') expect(ParqueDBError.isInstance(r.reason, 'PRECONDITION_FAILED')).toBe(true)
          expect(await text(storage.get(key))).toBe(`writer-${winners[0]}`)
        }
      })

      it('lets exactly one of many racing if-match puts win', { timeout: slow }, async () => {
        const base = await storage.put('race/ptr', 'base')
        const results = await Promise.allSettled(Array.from({ length: 16 }, (_, i) => storage.put('race/ptr', `writer-${i}`, { ifMatch: base.etag })))
        const winners = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []))
        expect(winners).toHaveLength(1)
        for (const r of results) if (r.status === 'rejected') expect(ParqueDBError.isInstance(r.reason, 'PRECONDITION_FAILED')).toBe(true)
        expect(await text(storage.get('race/ptr'))).toBe(`writer-${winners[0]}`)
      })
    })

    describe('key validation', () => {
      const badKeys = ['', '/abs', 'C:\\x', 'C:/x', 'a/../b', '..', './a', 'a/./b', 'a//b', 'a/', 'back\\slash', 'nul\u0000byte', 'tab\tkey', 'line\nbreak', 'del\u007f']

      it('rejects bad keys in every operation and writes nothing', async () => {
        for (const key of badKeys) {
          await expectCode(storage.put(key, 'x'), 'BAD_KEY')
          await expectCode(storage.put(key, 'x', { ifNoneMatch: '*' }), 'BAD_KEY')
          await expectCode(storage.get(key), 'BAD_KEY')
          await expectCode(storage.head(key), 'BAD_KEY')
          await expectCode(storage.getRange(key, 0, 1), 'BAD_KEY')
          await expectCode(storage.delete(key), 'BAD_KEY')
        }
        expect(await storage.list('')).toEqual([])
      })

      it('names the key in the error', async () => {
        const error = await storage.put('a/../b', 'x').then(
          () => undefined,
          (e: unknown) => e,
        )
        expect(ParqueDBError.isInstance(error, 'BAD_KEY')).toBe(true)
        expect(String((error as Error).message)).toContain('a/../b')
      })

      it('rejects keys longer than 1024 bytes', async () => {
        await expectCode(storage.put('k'.repeat(1025), 'x'), 'BAD_KEY')
      })
    })
  })
}

async function expectCode(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  const outcome = await promise.then(
    (value: unknown) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  )
  if (outcome.ok) expect.fail(`expected a ParqueDBError ${code}, but the call succeeded`)
  const { error } = outcome
  if (!ParqueDBError.isInstance(error, code)) expect.fail(`expected a ParqueDBError ${code}, got ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`)
}

function bytesOf(value: Uint8Array | undefined): Uint8Array {
  expect(value).toBeInstanceOf(Uint8Array)
  return new Uint8Array(value as Uint8Array)
}

async function text(value: Promise<Uint8Array | undefined>): Promise<string> {
  return new TextDecoder().decode(bytesOf(await value))
}

function pattern(size: number): Uint8Array {
  const data = new Uint8Array(size)
  let x = 0x9e3779b9
  for (let i = 0; i < size; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    data[i] = x & 0xff
  }
  return data
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false
  return true
}
