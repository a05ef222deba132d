import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DB } from 'parquedb'
import { demoPlugins } from '../deploy/node/demo-plugins.ts'

/**
 * The main job as a real process: `npm start`'s server with the demo load, stopped by a signal.
 * Everything it acknowledged must be there when the data directory is opened again, and the
 * views must agree with their sources.
 */

const children: ChildProcess[] = []
const dirs: string[] = []
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL')
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function startServer(dataDir: string): { child: ChildProcess; output: () => string; waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<RegExpMatchArray> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'deploy/node/server.ts'], {
    env: { ...process.env, PARQUEDB_DATA: dataDir, PORT: '0', DEMO_EVENTS_PER_SECOND: '2000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  let text = ''
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()))
  const waitFor = (pattern: RegExp, timeoutMs = 30_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const started = Date.now()
      const poll = setInterval(() => {
        const match = text.match(pattern)
        if (match) {
          clearInterval(poll)
          resolve(match)
        } else if (Date.now() - started > timeoutMs || child.exitCode !== null) {
          clearInterval(poll)
          reject(new Error(`no ${pattern} in the server's output:\n${text}`))
        }
      }, 50)
    })
  return { child, output: () => text, waitFor }
}

describe('the Node server (npm start)', () => {
  it('serves the API, and on SIGTERM flushes and exits 0 losing nothing it acknowledged', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parquedb-server-'))
    dirs.push(dataDir)
    const server = startServer(dataDir)
    const [, url] = await server.waitFor(/API\s+(http:\/\/[^/\s]+)\/openapi\.json/)
    const health = await fetch(`${url}/health`)
    expect(health.status).toBe(200)
    // Let the load write for a while, reading a view meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 1500))
    const minutes = await fetch(`${url}/views/WorkerRequests?limit=5`)
    expect(minutes.status).toBe(200)
    const body = (await minutes.json()) as { rows: unknown[]; meta: { servedFrom: string } }
    expect(body.rows.length).toBeGreaterThan(0)
    server.child.kill('SIGTERM')
    const [, written] = await server.waitFor(/\(([\d,]+) rows written this run\)/)
    await server.waitFor(/closed cleanly/)
    const code = await new Promise<number | null>((resolve) => (server.child.exitCode !== null ? resolve(server.child.exitCode) : server.child.once('exit', resolve)))
    expect(code).toBe(0)

    const db = DB({}, { storage: { type: 'fs', path: dataDir }, plugins: demoPlugins })
    try {
      const counts = await Promise.all([db.TailEvents.count(), db.AIRequests.count(), db.EvalScores.count()])
      expect(counts.reduce((sum, count) => sum + count, 0)).toBe(Number((written as string).replaceAll(',', '')))
      expect(counts[0]).toBeGreaterThan(0)
      // The streaming views agree with their source after the restart.
      const requests = await db.TailEvents.count({ 'event.request': { $exists: true } })
      expect(await db.WorkerRequests.count()).toBe(requests)
      const perHour = await db.EndpointMetrics.find({})
      expect(perHour.reduce((sum, row) => sum + (row.requestCount as number), 0)).toBe(requests)
    } finally {
      await db.close()
    }
  }, 60_000)
})
