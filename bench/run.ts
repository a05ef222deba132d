/**
 * Runs the benchmarks: `tsx bench/run.ts [id-prefix ...]`, `BENCH_SCALE=small` for ~10x smaller
 * sizes. Prints a table and writes bench/results/latest.json (only benchmarks whose ParqueDB side
 * ran; a side that cannot run is reported, never estimated).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import {
  formatSummary,
  formatTable,
  isUnavailable,
  measureContest,
  MIN_REPETITIONS,
  ratioOf,
  targetStatus,
  toRecord,
  type BenchmarkDefinition,
  type ResultRecord,
  type Scale,
  type Summary,
  type Unavailable,
} from './harness.ts'
import { loadParqueDB } from './parquedb.ts'
import { loadDuckDB } from './peers/duckdb.ts'
import { benchmarks } from './suites/index.ts'
import { removeAllWorkDirs } from './work-dir.ts'

interface Outcome {
  readonly definition: BenchmarkDefinition
  readonly ours: Summary | Unavailable
  readonly peer: Summary | Unavailable
}

const RESULTS = join(import.meta.dirname, 'results', 'latest.json')

function scaleFromEnvironment(): Scale {
  const value = process.env.BENCH_SCALE
  if (value === undefined || value === '' || value === 'full') return 'full'
  if (value === 'small') return 'small'
  throw new Error(`BENCH_SCALE must be "small" or "full", got "${value}"`)
}

async function main(): Promise<number> {
  const scale = scaleFromEnvironment()
  const prefixes = process.argv.slice(2)
  const selected = benchmarks.filter((definition) => prefixes.length === 0 || prefixes.some((prefix) => definition.id.startsWith(prefix)))
  if (selected.length === 0) {
    console.error(`no benchmark id starts with ${prefixes.join(' or ')}; ids: ${benchmarks.map((definition) => definition.id).join(', ')}`)
    return 1
  }

  const [engine, duckdb] = await Promise.all([loadParqueDB(), loadDuckDB()])
  const duckdbVersion = isUnavailable(duckdb) ? duckdb.unavailable : `duckdb ${duckdb.version()}`
  console.log(`scale ${scale} | node ${process.version} | ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'} | ${duckdbVersion}`)
  if (isUnavailable(engine)) console.log(`ParqueDB ${engine.unavailable}: its side of every benchmark is skipped`)

  const outcomes: Outcome[] = []
  let failed = 0
  for (const definition of selected) {
    console.log(`\n${definition.id}: ${definition.description}`)
    try {
      const contest = await definition.prepare(scale)
      try {
        for (const [name, side] of [['ParqueDB', contest.ours], [definition.peer, contest.peer]] as const) {
          if (isUnavailable(side)) console.log(`  ${name}: skipped, ${side.unavailable}`)
        }
        const measured = await measureContest(contest, definition.repetitions ?? MIN_REPETITIONS)
        if (!isUnavailable(measured.ours) || !isUnavailable(measured.peer)) {
          console.log(`  ParqueDB ${formatSummary(measured.ours)} | ${definition.peer} ${formatSummary(measured.peer)} ${definition.unit}`)
        }
        outcomes.push({ definition, ...measured })
      } finally {
        await contest.dispose()
      }
    } catch (error) {
      failed++
      console.log(`  FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
    }
  }

  console.log(`\n${formatTable(['id', 'metric', 'ours (min..max)', 'peer', 'peer value (min..max)', 'ratio', 'target', 'status'], outcomes.map(tableRow))}`)
  console.log('ratio > 1 means ParqueDB is better; n/a marks a side that did not run.')

  const records: ResultRecord[] = outcomes.flatMap(({ definition, ours, peer }) => (isUnavailable(ours) ? [] : [toRecord(definition, ours, peer, scale)]))
  mkdirSync(join(RESULTS, '..'), { recursive: true })
  // A subset run replaces only its own ids, so latest.json keeps the newest figure of each.
  const measuredIds = new Set(records.map((record) => record.id))
  const kept = previousResults().filter((record) => !measuredIds.has(record.id))
  const order = new Map(benchmarks.map((definition, index) => [definition.id, index]))
  const merged = [...kept, ...records].sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0))
  writeFileSync(RESULTS, `${JSON.stringify(merged, null, 2)}\n`)
  console.log(`wrote ${records.length} result(s) to ${RESULTS} (${kept.length} kept from earlier runs)`)
  return failed > 0 ? 1 : 0
}

function previousResults(): ResultRecord[] {
  if (!existsSync(RESULTS)) return []
  try {
    const parsed: unknown = JSON.parse(readFileSync(RESULTS, 'utf8'))
    return Array.isArray(parsed) ? (parsed as ResultRecord[]) : []
  } catch {
    return [] // an unreadable file is replaced, not fatal
  }
}

function tableRow({ definition, ours, peer }: Outcome): string[] {
  const both = !isUnavailable(ours) && !isUnavailable(peer)
  return [
    definition.id,
    `${definition.metric} (${definition.better})`,
    formatSummary(ours),
    definition.peer,
    formatSummary(peer),
    both ? ratioOf(ours.median, peer.median, definition.better).toFixed(2) : 'n/a',
    definition.target === null ? '-' : String(definition.target),
    isUnavailable(ours) ? 'skipped' : targetStatus(ours.median, definition.target, definition.better),
  ]
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    removeAllWorkDirs()
    process.exit(130)
  })
}

try {
  process.exitCode = await main()
} finally {
  removeAllWorkDirs()
}
