import { beforeEach, describe, expect, it } from 'vitest'
import { ParqueDBError, type ErrorCode } from '../errors.ts'
import type { WalFactory } from './types.ts'

/**
 * The WriteAheadLog contract as a vitest suite. `makeFactory` is called before every test and must
 * return a factory over empty storage; reopening a table from that same factory must see what was
 * appended before.
 *
 * @example
 * describeWal('memory', () => memoryWal())
 */
export function describeWal(name: string, makeFactory: () => WalFactory | Promise<WalFactory>): void {
  describe(`WriteAheadLog contract: ${name}`, () => {
    let wal: WalFactory
    beforeEach(async () => {
      wal = await makeFactory()
    })

    it('replays nothing for a new table', async () => {
      const log = await wal('Fresh')
      expect(await log.replay()).toEqual([])
      await log.close()
    })

    it('replays appended records in order, byte for byte', async () => {
      const log = await wal('Events')
      const records = [bytes('first'), new Uint8Array(0), Uint8Array.from({ length: 300 }, (_, i) => i % 256), bytes('last ✓')]
      for (const record of records) await log.append(record)
      expect(await log.replay()).toEqual(records)
      await log.close()
    })

    it('keeps its own copy of each record', async () => {
      const log = await wal('Events')
      const record = bytes('abc')
      const appended = log.append(record)
      record[0] = 0
      await appended
      const [back] = await log.replay()
      expect(back).toEqual(bytes('abc'))
      if (back !== undefined) back[1] = 0
      expect(await log.replay()).toEqual([bytes('abc')])
      await log.close()
    })

    it('replays concurrent appends in the order append was called', async () => {
      const log = await wal('Events')
      const records = Array.from({ length: 300 }, (_, i) => bytes(`record-${i}`))
      await Promise.all(records.map((record) => log.append(record)))
      expect(await log.replay()).toEqual(records)
      await log.close()
    })

    it('replays after close and reopen, and appends after what was there', async () => {
      const first = await wal('Events')
      await first.append(bytes('a'))
      await first.append(bytes('b'))
      await first.close()
      const second = await wal('Events')
      expect(texts(await second.replay())).toEqual(['a', 'b'])
      await second.append(bytes('c'))
      await second.close()
      const third = await wal('Events')
      expect(texts(await third.replay())).toEqual(['a', 'b', 'c'])
      await third.close()
    })

    it('keeps tables apart', async () => {
      const a = await wal('A')
      const b = await wal('B')
      await a.append(bytes('for a'))
      await b.append(bytes('for b'))
      expect(texts(await a.replay())).toEqual(['for a'])
      expect(texts(await b.replay())).toEqual(['for b'])
      await a.close()
      await b.close()
    })

    it('rotate returns increasing marks and discardBefore drops only older records', async () => {
      const log = await wal('Events')
      await log.append(bytes('1'))
      const m1 = await log.rotate()
      await log.append(bytes('2'))
      await log.append(bytes('3'))
      const m2 = await log.rotate()
      await log.append(bytes('4'))
      expect(m2).toBeGreaterThan(m1)
      expect(texts(await log.replay())).toEqual(['1', '2', '3', '4'])
      await log.discardBefore(m1)
      expect(texts(await log.replay())).toEqual(['2', '3', '4'])
      await log.discardBefore(m2)
      expect(texts(await log.replay())).toEqual(['4'])
      await log.append(bytes('5'))
      await log.close()
      const reopened = await wal('Events')
      expect(texts(await reopened.replay())).toEqual(['4', '5'])
      await reopened.close()
    })

    it('puts appends issued before rotate() before its mark, and later ones after', async () => {
      const log = await wal('Events')
      const before = [log.append(bytes('a')), log.append(bytes('b'))]
      const rotating = log.rotate()
      const after = [log.append(bytes('c'))]
      await Promise.all([...before, rotating, ...after])
      await log.discardBefore(await rotating)
      expect(texts(await log.replay())).toEqual(['c'])
      await log.close()
    })

    it('never discards the newest segment', async () => {
      const log = await wal('Events')
      await log.append(bytes('a'))
      const mark = await log.rotate()
      await log.append(bytes('b'))
      await log.discardBefore(mark + 100)
      expect(texts(await log.replay())).toEqual(['b'])
      await log.append(bytes('c'))
      expect(texts(await log.replay())).toEqual(['b', 'c'])
      await log.close()
    })

    it('hands out marks that keep increasing across reopen', async () => {
      const first = await wal('Events')
      const m1 = await first.rotate()
      const m2 = await first.rotate()
      await first.discardBefore(m2)
      await first.close()
      const second = await wal('Events')
      const m3 = await second.rotate()
      expect(m2).toBeGreaterThan(m1)
      expect(m3).toBeGreaterThan(m2)
      await second.close()
    })

    it('rejects use after close with CLOSED, and close is idempotent', async () => {
      const log = await wal('Events')
      await log.append(bytes('a'))
      await log.close()
      await log.close()
      await expectCode(log.append(bytes('b')), 'CLOSED')
      await expectCode(log.replay(), 'CLOSED')
      await expectCode(log.rotate(), 'CLOSED')
      await expectCode(log.discardBefore(1), 'CLOSED')
      const reopened = await wal('Events')
      expect(texts(await reopened.replay())).toEqual(['a'])
      await reopened.close()
    })

    it('finishes appends issued before close()', async () => {
      const log = await wal('Events')
      const appends = Array.from({ length: 20 }, (_, i) => log.append(bytes(String(i))))
      await log.close()
      await Promise.all(appends)
      const reopened = await wal('Events')
      expect((await reopened.replay()).length).toBe(20)
      await reopened.close()
    })

    it('opening a table that is open closes the earlier handle', async () => {
      const first = await wal('Events')
      await first.append(bytes('a'))
      const second = await wal('Events')
      await expectCode(first.append(bytes('x')), 'CLOSED')
      expect(texts(await second.replay())).toEqual(['a'])
      await second.close()
    })

    it('rejects invalid table names with BAD_KEY naming the table', async () => {
      for (const table of ['', 'a/b', '..', '.', 'x\u0000y', 'back\\slash', '/abs']) {
        const error = await wal(table).then(
          () => undefined,
          (e: unknown) => e,
        )
        expect(ParqueDBError.isInstance(error, 'BAD_KEY')).toBe(true)
        expect((error as ParqueDBError).details.table).toBe(table)
      }
    })

    it('rejects a mark that is not a non-negative integer', async () => {
      const log = await wal('Events')
      await expectCode(log.discardBefore(-1), 'STORAGE')
      await expectCode(log.discardBefore(1.5), 'STORAGE')
      await log.close()
    })
  })
}

function bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text)
}

function texts(records: Uint8Array[]): string[] {
  return records.map((record) => new TextDecoder().decode(record))
}

async function expectCode(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!ParqueDBError.isInstance(error, code)) expect.fail(`expected a ParqueDBError ${code}, got ${error === undefined ? 'success' : String(error)}`)
}
