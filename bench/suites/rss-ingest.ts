import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { isUnavailable, scaled, type BenchmarkDefinition, type Trial } from '../harness.ts'
import { loadParqueDB } from '../parquedb.ts'
import { loadDuckDB } from '../peers/duckdb.ts'
import { makeWorkDir, removeWorkDir } from '../work-dir.ts'

const EVENTS = 5_000_000
const BATCH = 10_000
const SEED = 5_000_000
const CHILD = join(import.meta.dirname, '..', 'ingest-process.ts')

/**
 * Peak RSS of a process that ingests EVENTS generated tail events in batches of BATCH into fs
 * storage (generation is lazy, one batch at a time, and counted: it is part of any real ingest
 * loop). Each repetition is a fresh child process per side; the peer's child ingests the same
 * events into a persistent DuckDB file with default settings.
 */
export const rssIngestBenchmark: BenchmarkDefinition = {
  id: 'rss.ingest.5m',
  metric: 'peak_rss_mb',
  unit: 'MB',
  better: 'lower',
  peer: 'duckdb',
  target: 300,
  description: `peak RSS of a child process ingesting 5M events (500k at small scale) in batches of ${BATCH} (peer: DuckDB appender in its own child)`,
  prepare: async (scale) => {
    const [engine, duckdb] = await Promise.all([loadParqueDB(), loadDuckDB()])
    const events = scaled(EVENTS, scale)
    return {
      ours: isUnavailable(engine) ? engine : childTrial('parquedb', events),
      peer: isUnavailable(duckdb) ? duckdb : childTrial('duckdb', events),
      dispose: async () => undefined,
    }
  },
}

function childTrial(side: 'parquedb' | 'duckdb', events: number): Trial {
  return async () => {
    const dir = makeWorkDir(`rss-${side}`)
    try {
      const report = await runChild([side, dir, String(events), String(BATCH), String(SEED)])
      if (report.events !== events) throw new Error(`${side} child ingested ${report.events} events, expected ${events}`)
      return report.maxRssMb
    } finally {
      removeWorkDir(dir)
    }
  }
}

interface ChildReport {
  events: number
  seconds: number
  maxRssMb: number
}

function runChild(args: readonly string[]): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    // The runner's execArgv carries the TypeScript loader (tsx), which the child needs too.
    const child = spawn(process.execPath, [...process.execArgv, CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text))
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text))
    child.on('error', reject)
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`ingest child exited with ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`))
      try {
        resolve(parseReport(stdout))
      } catch (error) {
        reject(error)
      }
    })
  })
}

function parseReport(stdout: string): ChildReport {
  const line = stdout.trim().split('\n').pop() ?? ''
  const parsed: unknown = JSON.parse(line)
  if (typeof parsed !== 'object' || parsed === null || !('events' in parsed) || !('seconds' in parsed) || !('maxRssMb' in parsed)) {
    throw new Error(`unexpected child output: ${line}`)
  }
  const { events, seconds, maxRssMb } = parsed
  if (typeof events !== 'number' || typeof seconds !== 'number' || typeof maxRssMb !== 'number') throw new Error(`unexpected child output: ${line}`)
  return { events, seconds, maxRssMb }
}
