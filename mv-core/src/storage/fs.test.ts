import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { mkdir, mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ParqueDBError } from '../errors.ts'
import { fsStorage } from './fs.ts'
import { lockPathFor } from './fs-lock.ts'

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))
const childScript = fileURLToPath(new URL('./fs-race.child.ts', import.meta.url))

let root: string
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'parquedb-fs-'))
})
afterEach(async () => {
  await rm(root, { recursive: true, force: true })
})

async function allFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
}

describe('fsStorage layout', () => {
  it('stores key a/b/c as the file <root>/a/b/c, creating parent directories', async () => {
    const storage = fsStorage({ root })
    await storage.put('a/b/c.json', '{"x":1}')
    expect(await allFiles(root)).toEqual([join('a', 'b', 'c.json')])
    expect((await stat(join(root, 'a', 'b', 'c.json'))).size).toBe(7)
  })

  it('leaves no temp or lock files behind after puts, conditional puts and deletes', async () => {
    const storage = fsStorage({ root })
    const first = await storage.put('t/x', '1')
    await storage.put('t/x', '2', { ifMatch: first.etag }).catch(() => undefined)
    await storage.put('t/x', '3', { ifMatch: first.etag }).catch(() => undefined)
    await storage.put('t/y', '1', { ifNoneMatch: '*' })
    await storage.put('t/y', '2', { ifNoneMatch: '*' }).catch(() => undefined)
    await storage.put('t/z', 'z')
    await storage.delete('t/z')
    expect((await allFiles(root)).sort()).toEqual([join('t', 'x'), join('t', 'y')])
  })

  it('does not create directories when deleting an absent key', async () => {
    const storage = fsStorage({ root })
    await storage.delete('no/such/dir/key')
    expect(await readdir(root)).toEqual([])
  })

  it('never shows temp or lock files through list, get or head', async () => {
    const storage = fsStorage({ root })
    await storage.put('d/real', 'x')
    await writeFile(join(root, 'd', '.abc.pqtmp'), 'partial')
    await writeFile(join(root, 'd', '.real.pqlock'), '{}')
    expect((await storage.list('')).map((o) => o.key)).toEqual(['d/real'])
    for (const key of ['d/.abc.pqtmp', 'd/.real.pqlock']) {
      await expect(storage.get(key)).rejects.toMatchObject({ code: 'BAD_KEY' })
      await expect(storage.head(key)).rejects.toMatchObject({ code: 'BAD_KEY' })
      await expect(storage.put(key, 'x')).rejects.toMatchObject({ code: 'BAD_KEY' })
    }
  })

  it('never lists an object that is still being written', { timeout: 30_000 }, async () => {
    const storage = fsStorage({ root })
    const big = new Uint8Array(2 * 1024 * 1024)
    let writing = true
    const writes = (async () => {
      for (let i = 0; i < 20; i++) await storage.put(`w/${i}`, big)
      writing = false
    })()
    while (writing) {
      for (const object of await storage.list('w/')) {
        expect(object.key).toMatch(/^w\/\d+$/)
        expect(object.size).toBe(big.byteLength)
      }
    }
    await writes
  })

  it('removes temp files abandoned by a crashed writer (older than an hour) when listing', async () => {
    const storage = fsStorage({ root })
    await mkdir(join(root, 'd'))
    const old = join(root, 'd', '.old.pqtmp')
    const fresh = join(root, 'd', '.fresh.pqtmp')
    await writeFile(old, 'x')
    await writeFile(fresh, 'x')
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000)
    await utimes(old, twoHoursAgo, twoHoursAgo)
    await storage.list('')
    expect((await readdir(join(root, 'd'))).sort()).toEqual(['.fresh.pqtmp'])
  })

  it('treats a directory as no object', async () => {
    const storage = fsStorage({ root })
    await storage.put('dir/child', 'x')
    expect(await storage.get('dir')).toBeUndefined()
    expect(await storage.head('dir')).toBeUndefined()
    await expect(storage.getRange('dir', 0, 0)).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await storage.delete('dir')
    expect(await storage.get('dir/child')).toBeDefined()
  })

  it('reports a key under a file as STORAGE on put', async () => {
    const storage = fsStorage({ root })
    await storage.put('file', 'x')
    await expect(storage.put('file/child', 'y')).rejects.toMatchObject({ code: 'STORAGE' })
    expect(await storage.get('file/child')).toBeUndefined()
  })

  it('changes the etag when content of the same size is replaced', { timeout: 30_000 }, async () => {
    const storage = fsStorage({ root })
    const etags = new Set<string>()
    for (let i = 0; i < 50; i++) etags.add((await storage.put('same-size', `v${i % 10}`)).etag)
    expect(etags.size).toBe(50)
  })
})

describe('fsStorage locks', () => {
  it('waits for a live lock held by another process', async () => {
    const storage = fsStorage({ root })
    const first = await storage.put('ptr', 'v1')
    const lock = lockPathFor(join(root, 'ptr'))
    await writeFile(lock, JSON.stringify({ pid: process.ppid, host: 'elsewhere', at: Date.now() }))
    let done = false
    const put = storage.put('ptr', 'v2', { ifMatch: first.etag }).then(() => (done = true))
    await new Promise((resolve) => setTimeout(resolve, 150))
    expect(done).toBe(false)
    await rm(lock)
    await put
    expect(new TextDecoder().decode(await storage.get('ptr'))).toBe('v2')
  })

  it('breaks a lock left by a dead process on this host', async () => {
    const storage = fsStorage({ root })
    await storage.put('ptr', 'v1')
    const dead = spawn(process.execPath, ['-e', '0'])
    const pid = dead.pid
    await new Promise((resolve) => dead.on('exit', resolve))
    const { hostname } = await import('node:os')
    await writeFile(lockPathFor(join(root, 'ptr')), JSON.stringify({ pid, host: hostname(), at: Date.now() }))
    const started = Date.now()
    await storage.put('ptr', 'v2')
    expect(Date.now() - started).toBeLessThan(5000)
    expect(new TextDecoder().decode(await storage.get('ptr'))).toBe('v2')
    expect(await allFiles(root)).toEqual(['ptr'])
  })

  it('breaks a lock older than staleLockMs even if its owner looks alive', async () => {
    const storage = fsStorage({ root, staleLockMs: 200 })
    await storage.put('ptr', 'v1')
    const lock = lockPathFor(join(root, 'ptr'))
    await writeFile(lock, JSON.stringify({ pid: process.ppid, host: 'elsewhere', at: Date.now() }))
    const old = new Date(Date.now() - 1000)
    await utimes(lock, old, old)
    await storage.delete('ptr')
    expect(await storage.get('ptr')).toBeUndefined()
    expect(await allFiles(root)).toEqual([])
  })
})

describe('fsStorage between processes', () => {
  interface Child {
    child: ChildProcessWithoutNullStreams
    /** Resolves with the next line the child prints. */
    nextLine(): Promise<string>
  }

  function startChild(mode: 'create' | 'increment', name: string, count: number): Child {
    const child = spawn(process.execPath, ['--import', 'tsx', childScript, root, mode, name, String(count)], { cwd: repoRoot, stdio: 'pipe' })
    const lines: string[] = []
    const waiting: Array<{ resolve: (line: string) => void; reject: (error: Error) => void }> = []
    let buffered = ''
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk
      const parts = buffered.split('\n')
      buffered = parts.pop() ?? ''
      for (const line of parts) {
        const waiter = waiting.shift()
        if (waiter) waiter.resolve(line)
        else lines.push(line)
      }
    })
    child.on('exit', (code) => {
      for (const waiter of waiting.splice(0)) waiter.reject(new Error(`child ${name} exited with ${code}: ${stderr}`))
    })
    return {
      child,
      nextLine: () => {
        const line = lines.shift()
        if (line !== undefined) return Promise.resolve(line)
        return new Promise((resolve, reject) => waiting.push({ resolve, reject }))
      },
    }
  }

  /** Runs `rounds` rounds in two processes; each round starts in both at the same moment. */
  async function race<T>(mode: 'create' | 'increment', count: number, rounds: number): Promise<Array<[T, T]>> {
    const a = startChild(mode, 'A', count)
    const b = startChild(mode, 'B', count)
    try {
      expect(await Promise.all([a.nextLine(), b.nextLine()])).toEqual(['ready', 'ready'])
      const results: Array<[T, T]> = []
      for (let round = 0; round < rounds; round++) {
        a.child.stdin.write('go\n')
        b.child.stdin.write('go\n')
        const [ra, rb] = await Promise.all([a.nextLine(), b.nextLine()])
        results.push([JSON.parse(ra) as T, JSON.parse(rb) as T])
      }
      a.child.stdin.end('end\n')
      b.child.stdin.end('end\n')
      return results
    } finally {
      a.child.kill()
      b.child.kill()
    }
  }

  it('lets exactly one of two processes win each create-only key', { timeout: 60_000 }, async () => {
    const rounds = await race<{ won: string[] }>('create', 50, 10)
    const storage = fsStorage({ root })
    const keys = (await storage.list('race/')).map((o) => o.key)
    expect(keys).toHaveLength(500)
    for (const [a, b] of rounds) {
      expect(a.won.length + b.won.length).toBe(50)
      expect(a.won.filter((key) => b.won.includes(key))).toEqual([])
      for (const key of [...a.won, ...b.won]) {
        expect(new TextDecoder().decode(await storage.get(key))).toBe(a.won.includes(key) ? 'A' : 'B')
      }
    }
    expect(await allFiles(root)).toHaveLength(500)
  })

  it('serializes if-match updates from two processes (no lost increments)', { timeout: 60_000 }, async () => {
    const storage = fsStorage({ root })
    await storage.put('counter', '0')
    await race<{ conflicts: number }>('increment', 100, 1)
    expect(new TextDecoder().decode(await storage.get('counter'))).toBe('200')
    expect(await allFiles(root)).toEqual(['counter'])
  })
})

describe('fsStorage errors', () => {
  it('are ParqueDBErrors naming the key', async () => {
    const storage = fsStorage({ root })
    await storage.put('file', 'x')
    const error = await storage.put('file/child', 'y').catch((e: unknown) => e)
    expect(ParqueDBError.isInstance(error, 'STORAGE')).toBe(true)
    expect((error as Error).message).toContain('file/child')
  })
})
