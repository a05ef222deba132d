import { spawn } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Database } from '@parquedb/mv-core'
import { fsStorage, fsWal } from '@parquedb/mv-core/fs'

const child = join(import.meta.dirname, 'fixtures', 'ingest-child.ts')
const schema = { Events: { n: 'int!', writer: 'string!', payload: 'variant?' } }
const dirs: string[] = []

afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
})

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'parquedb-durability-'))
  dirs.push(dir)
  return dir
}

/** Runs the writer; `onAck` may return true to have it killed with SIGKILL right there. */
function runWriter(args: string[], onAck?: (n: number) => boolean): Promise<{ lastAck: number; killed: boolean }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let lastAck = -1
    let killed = false
    let buffered = ''
    let stderr = ''
    proc.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString()
      const lines = buffered.split('\n')
      buffered = lines.pop() ?? ''
      for (const line of lines) {
        if (!line.startsWith('ack ') || killed) continue
        lastAck = Number(line.slice(4))
        if (onAck?.(lastAck)) {
          killed = true
          proc.kill('SIGKILL')
        }
      }
    })
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    proc.on('error', reject)
    proc.on('exit', (code, signal) => {
      if (killed && signal === 'SIGKILL') resolve({ lastAck, killed })
      else if (code === 0) resolve({ lastAck, killed })
      else reject(new Error(`writer exited with ${code ?? signal}: ${stderr}`))
    })
  })
}

async function readAll(dir: string, writerId: string) {
  const db = await Database.open({ storage: fsStorage({ root: dir }), wal: fsWal({ root: join(dir, '_wal', writerId) }), writerId, schema })
  const rows = await db.collection('Events').find({}, { project: ['n', 'writer'] })
  return { db, rows }
}

describe('durability', () => {
  it('keeps every acknowledged row after SIGKILL, and shows no partial file or commit', async () => {
    const dir = await tempDir()
    const { lastAck, killed } = await runWriter([dir, 'w1', '200000', '97'], (n) => n >= 6000)
    expect(killed).toBe(true)
    expect(lastAck).toBeGreaterThanOrEqual(6000)

    const { db, rows } = await readAll(dir, 'w1')
    const seen = new Set(rows.map((row) => row.n as number))
    expect(seen.size).toBe(rows.length) // no row twice
    for (let n = 0; n <= lastAck; n++) if (!seen.has(n)) throw new Error(`acknowledged row ${n} was lost`)

    // Every commit in the log parses and every file it names is readable Parquet.
    const logFiles = (await readdir(join(dir, 'Events', '_log'))).filter((name) => /^\d+\.json$/.test(name))
    for (const name of logFiles) JSON.parse(await readFile(join(dir, 'Events', '_log', name), 'utf8'))
    expect(logFiles.length).toBeGreaterThan(0)
    const versions = logFiles.map((name) => Number(name.slice(0, -5))).sort((a, b) => a - b)
    expect(versions).toEqual(versions.map((_, index) => index + 1))
    await db.flush()
    expect((await db.collection('Events').find({}, { project: ['n'] })).length).toBe(rows.length)
    await db.close()
  }, 120_000)

  it('two processes writing one directory: each version has one winner, no row lost or doubled', async () => {
    const dir = await tempDir()
    await Promise.all([runWriter([dir, 'a', '3000', '25', 'close']), runWriter([dir, 'b', '3000', '25', 'close'])])
    const { db, rows } = await readAll(dir, 'reader')
    expect(rows).toHaveLength(6000)
    for (const writer of ['a', 'b']) {
      const ns = rows.filter((row) => row.writer === writer).map((row) => row.n as number).sort((x, y) => x - y)
      expect(ns).toEqual(Array.from({ length: 3000 }, (_, n) => n))
    }
    const logFiles = (await readdir(join(dir, 'Events', '_log'))).filter((name) => /^\d+\.json$/.test(name))
    const writers = new Set<string>()
    for (const name of logFiles) writers.add((JSON.parse(await readFile(join(dir, 'Events', '_log', name), 'utf8')) as { writer: string }).writer)
    expect(writers).toEqual(new Set(['a', 'b']))
    await db.close()
  }, 120_000)
})
