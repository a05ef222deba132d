import { spawn } from 'node:child_process'
import { appendFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ParqueDBError } from '../errors.ts'
import { encodeFrame } from './frame.ts'
import { fsWal } from './fs.ts'

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))
const childScript = fileURLToPath(new URL('./fs-kill.child.ts', import.meta.url))

let root: string
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'parquedb-fswal-'))
})
afterEach(async () => {
  await rm(root, { recursive: true, force: true })
})

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)
const texts = (records: Uint8Array[]): string[] => records.map((r) => new TextDecoder().decode(r))
const flipBits = (data: Uint8Array, index: number): void => {
  data[index] = (data[index] ?? 0) ^ 0xff
}

describe('fsWal files', () => {
  it('writes framed records to <root>/<table>/<mark>.wal', async () => {
    const log = await fsWal({ root })('Events')
    await log.append(bytes('hello'))
    await log.close()
    expect(await segments(join(root, 'Events'))).toEqual(['1.wal'])
    const file = await readFile(join(root, 'Events', '1.wal'))
    expect(file.byteLength).toBe(8 + 5)
    expect(file.readUInt32LE(0)).toBe(5)
    expect(file.subarray(8).toString()).toBe('hello')
    expect(new Uint8Array(file)).toEqual(encodeFrame(bytes('hello')))
  })

  it('rotate creates a new segment and discardBefore deletes the older files', async () => {
    const log = await fsWal({ root })('Events')
    await log.append(bytes('a'))
    const m2 = await log.rotate()
    await log.append(bytes('b'))
    const m3 = await log.rotate()
    expect([m2, m3]).toEqual([2, 3])
    expect((await segments(join(root, 'Events'))).sort()).toEqual(['1.wal', '2.wal', '3.wal'])
    await log.discardBefore(m3)
    expect(await segments(join(root, 'Events'))).toEqual(['3.wal'])
    await log.close()
  })
})

describe('fsWal handles', () => {
  it('lets only one handle per table directory in a process, across factories', async () => {
    const first = await fsWal({ root })('Events')
    await first.append(bytes('a'))
    const second = await fsWal({ root: join(root, '.') })('Events')
    await expect(first.append(bytes('b'))).rejects.toMatchObject({ code: 'CLOSED' })
    await second.append(bytes('c'))
    expect(texts(await second.replay())).toEqual(['a', 'c'])
    await second.close()
  })
})

describe('fsWal group commit', () => {
  it('syncs 1000 concurrent appends in far fewer write+fdatasync rounds, in call order', async () => {
    const log = await fsWal({ root })('Events')
    const records = Array.from({ length: 1000 }, (_, i) => bytes(`row-${i}`))
    await Promise.all(records.map((record) => log.append(record)))
    const { appends, syncs } = log.stats()
    expect(appends).toBe(1000)
    expect(syncs).toBeGreaterThan(0)
    expect(syncs).toBeLessThan(20)
    expect(await log.replay()).toEqual(records)
    await log.close()
    const reopened = await fsWal({ root })('Events')
    expect(await reopened.replay()).toEqual(records)
    await reopened.close()
  })

  it('batches appends that arrive while a sync is in flight', async () => {
    const log = await fsWal({ root })('Events')
    const pending: Promise<void>[] = []
    for (let i = 0; i < 200; i++) {
      pending.push(log.append(bytes(String(i))))
      if (i % 20 === 0) await new Promise((resolve) => setImmediate(resolve))
    }
    await Promise.all(pending)
    expect(log.stats().syncs).toBeLessThan(200)
    expect(texts(await log.replay())).toEqual(Array.from({ length: 200 }, (_, i) => String(i)))
    await log.close()
  })

  it('resolves an append only after its bytes are in the file', async () => {
    const log = await fsWal({ root })('Events')
    for (let i = 0; i < 5; i++) {
      await log.append(bytes(`r${i}`))
      const size = (await stat(join(root, 'Events', '1.wal'))).size
      expect(size).toBe((i + 1) * (8 + 2))
    }
    expect(log.stats().syncs).toBe(5)
    await log.close()
  })
})

describe('fsWal torn tails', () => {
  async function writeThree(): Promise<string> {
    const log = await fsWal({ root })('Events')
    for (const text of ['one', 'two', 'three']) await log.append(bytes(text))
    await log.close()
    return join(root, 'Events', '1.wal')
  }
  const goodSize = 3 * 8 + 3 + 3 + 5

  const tails: Array<[string, Uint8Array]> = [
    ['a partial header', new Uint8Array([7, 0, 0])],
    ['a header promising more bytes than exist', Uint8Array.from([100, 0, 0, 0, 1, 2, 3, 4, 65, 66])],
    ['zeros (a file grown before its data landed)', new Uint8Array(4096)],
    ['a complete frame with a wrong crc', (() => {
      const frame = encodeFrame(bytes('four'))
      flipBits(frame, frame.length - 1)
      return frame
    })()],
    ['random garbage', Uint8Array.from({ length: 999 }, (_, i) => (i * 131 + 17) % 256)],
  ]

  for (const [what, tail] of tails) {
    it(`drops ${what} on reopen and truncates the file`, async () => {
      const file = await writeThree()
      await appendFile(file, tail)
      const log = await fsWal({ root })('Events')
      expect(texts(await log.replay())).toEqual(['one', 'two', 'three'])
      expect((await stat(file)).size).toBe(goodSize)
      await log.append(bytes('four'))
      await log.close()
      const again = await fsWal({ root })('Events')
      expect(texts(await again.replay())).toEqual(['one', 'two', 'three', 'four'])
      await again.close()
    })
  }

  it('drops a torn tail that appears while the log is open, and keeps appending after the good prefix', async () => {
    const log = await fsWal({ root })('Events')
    await log.append(bytes('one'))
    const file = join(root, 'Events', '1.wal')
    await appendFile(file, Uint8Array.from([50, 0, 0, 0, 9, 9]))
    expect(texts(await log.replay())).toEqual(['one'])
    expect((await stat(file)).size).toBe(8 + 3)
    await log.append(bytes('two'))
    expect(texts(await log.replay())).toEqual(['one', 'two'])
    await log.close()
  })

  it('drops everything after a corrupt frame in the newest segment', async () => {
    const file = await writeThree()
    const content = new Uint8Array(await readFile(file))
    flipBits(content, 8 + 3 + 8) // first byte of 'two'
    await writeFile(file, content)
    const log = await fsWal({ root })('Events')
    expect(texts(await log.replay())).toEqual(['one'])
    await log.close()
  })

  it('throws CORRUPT for a bad frame in an older segment', async () => {
    const log = await fsWal({ root })('Events')
    await log.append(bytes('one'))
    await log.append(bytes('two'))
    await log.rotate()
    await log.append(bytes('three'))
    await log.close()
    await appendFile(join(root, 'Events', '1.wal'), new Uint8Array([1, 2, 3]))
    const reopened = await fsWal({ root })('Events')
    const error = await reopened.replay().catch((e: unknown) => e)
    expect(ParqueDBError.isInstance(error, 'CORRUPT')).toBe(true)
    expect((error as Error).message).toContain('"Events"')
    expect((error as Error).message).toContain('segment 1')
    await reopened.close()
  })
})

describe('fsWal durability under kill -9', () => {
  function runUntilKilled(acksWanted: number): Promise<{ start: number; acked: number[] }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', childScript, root, 'Events'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] })
      let buffered = ''
      let stderr = ''
      let start = -1
      const acked: number[] = []
      let killed = false
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        buffered += chunk
        const lines = buffered.split('\n')
        buffered = lines.pop() ?? ''
        for (const line of lines) {
          if (line.startsWith('start ')) start = Number(line.slice(6))
          else acked.push(Number(line))
        }
        if (!killed && acked.length >= acksWanted) {
          killed = true
          child.kill('SIGKILL')
        }
      })
      child.on('exit', (code, signal) => {
        if (signal === 'SIGKILL') resolve({ start, acked })
        else reject(new Error(`child exited with ${code}: ${stderr}`))
      })
    })
  }

  it('replays every acknowledged record after SIGKILL mid-stream, across repeated crashes', { timeout: 120_000 }, async () => {
    const everAcked = new Set<number>()
    for (let round = 0; round < 3; round++) {
      const { start, acked } = await runUntilKilled(300 + round * 100)
      expect(start).toBeGreaterThanOrEqual(0)
      for (const id of acked) everAcked.add(id)

      const log = await fsWal({ root })('Events')
      const ids = (await log.replay()).map((record) => (JSON.parse(new TextDecoder().decode(record)) as { id: number }).id)
      await log.close()
      // Appends were issued in id order through one writer, so the log is exactly 0..n-1.
      expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => i))
      const missing = [...everAcked].filter((id) => id >= ids.length)
      expect(missing).toEqual([])
    }
  })
})

/** The segment files of a WAL directory (it also holds the owner's claim, owner.pid). */
async function segments(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.endsWith('.wal'))
}
