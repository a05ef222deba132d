import { execFile } from 'node:child_process'
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { DB } from 'parquedb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEvaliteAdapter, EvalRuns, EvalScores, evalite } from './index.ts'

/**
 * evalite's own CLI runs a real suite in a child process, twice, with the adapter configured in
 * `evalite.config.ts` as the seeds show it; then this process reads what it stored from the same
 * data directory: the EvalTrends view, the seeds' analytics database, and evalite's entities.
 */
const run = promisify(execFile)
const repoModules = resolve(dirname(fileURLToPath(import.meta.url)), '../../../node_modules')
const evaliteBin = join(dirname(createRequire(import.meta.url).resolve('evalite/config')), 'bin.js')

const CONFIG = `import { defineConfig } from 'evalite/config'
import { createEvaliteAdapter } from '@parquedb/evalite'

export default defineConfig({
  storage: () => createEvaliteAdapter({
    storage: { type: 'fs', path: './data' },
  }),
})
`

const SUITE = `import { createScorer, evalite } from 'evalite'

const exact = createScorer<string, string, string>({ name: 'exact', scorer: ({ output, expected }) => (output === expected ? 1 : 0) })
const length = createScorer<string, string, string>({ name: 'length', scorer: ({ output }) => Math.min(output.length / 12, 1) })

evalite('greeting', {
  data: [{ input: 'Ada', expected: 'Hello Ada' }, { input: 'Bob', expected: 'Hello Bob' }],
  task: async (input) => (input === 'Ada' ? 'Hello ' + input : 'Hi ' + input),
  scorers: [exact, length],
})
`

describe('evalite runs stored through the adapter', () => {
  let project = ''
  const data = () => join(project, 'data')

  beforeAll(async () => {
    project = await mkdtemp(join(tmpdir(), 'parquedb-evalite-run-'))
    await symlink(repoModules, join(project, 'node_modules'), 'dir')
    await writeFile(join(project, 'evalite.config.ts'), CONFIG)
    await writeFile(join(project, 'greeting.eval.ts'), SUITE)
    // Two runs, two processes: the second must continue the first's ids, not reuse them.
    for (let time = 0; time < 2; time++) await run(process.execPath, [evaliteBin, 'run'], { cwd: project, env: { ...process.env, CI: '1' } })
  }, 90_000)

  afterAll(async () => {
    if (project) await rm(project, { recursive: true, force: true })
  })

  it('feeds EvalTrends per suite, scorer and week', async () => {
    const db = DB({}, { storage: { type: 'fs', path: data() }, plugins: [evalite()] })
    try {
      const trends = await db.EvalTrends.find({ suiteName: 'greeting' }, { sort: { scorerName: 1 } })
      expect(trends.map((row) => ({ scorer: row.scorerName, avg: row.avgScore, min: row.minScore, max: row.maxScore, count: row.runCount }))).toEqual([
        { scorer: 'exact', avg: 0.5, min: 0, max: 1, count: 4 },
        // 'Hello Ada' is 9 characters (0.75), 'Hi Bob' 6 (0.5).
        { scorer: 'length', avg: 0.625, min: 0.5, max: 0.75, count: 4 },
      ])
      const runs = await db.EvalRuns.find({}, { sort: { runId: 1 } })
      expect(runs.map((row) => row.runType)).toEqual(['full', 'full'])
      expect(runs[1]!.runId).toBeGreaterThan(runs[0]!.runId as number)
    } finally {
      await db.close()
    }
  })

  it("answers the seeds' analytics database", async () => {
    const analyticsDb = DB(
      {
        EvalRuns,
        EvalScores,
        ScoreTrends: {
          $from: 'EvalScores',
          $groupBy: ['suiteName', { week: '$timestamp' }],
          $compute: {
            avgScore: { $avg: 'score' },
            runCount: { $count: '*' },
          },
        },
      },
      { storage: { type: 'fs', path: data() } },
    )
    try {
      const trends = await analyticsDb.ScoreTrends.find({ suiteName: 'greeting' })
      expect(trends.map((row) => [row.avgScore, row.runCount])).toEqual([[0.5625, 8]])
    } finally {
      await analyticsDb.close()
    }
  })

  it('gives evalite back its runs, evals, results, scores and traces with unique ids', async () => {
    await using storage = createEvaliteAdapter({ storage: { type: 'fs', path: data() } })
    const [latest, previous] = await storage.runs.getMany({ runType: 'full' })
    expect(latest!.id).toBeGreaterThan(previous!.id)
    const [suite] = await storage.evals.getMany({ runIds: [latest!.id], name: 'greeting' })
    expect(suite).toMatchObject({ run_id: latest!.id, name: 'greeting', filepath: expect.stringContaining('greeting.eval.ts'), status: 'success' })
    const [prevSuite] = await storage.evals.getMany({ name: 'greeting', createdBefore: suite!.created_at, statuses: ['fail', 'success'], orderBy: 'created_at', orderDirection: 'desc', limit: 1 })
    expect(prevSuite!.run_id).toBe(previous!.id)
    const results = await storage.results.getMany({ evalIds: [suite!.id] })
    expect(results.map((result) => [result.col_order, result.input, result.output, result.expected, result.status])).toEqual([
      [0, 'Ada', 'Hello Ada', 'Hello Ada', 'success'],
      [1, 'Bob', 'Hi Bob', 'Hello Bob', 'success'],
    ])
    const scores = await storage.scores.getMany({ resultIds: results.map((result) => result.id) })
    expect(scores.map((score) => [score.name, score.score]).sort()).toEqual([['exact', 0], ['exact', 1], ['length', 0.5], ['length', 0.75]])
    const everyId = [
      ...(await storage.evals.getMany()).map((row) => row.id),
      ...(await storage.results.getMany()).map((row) => row.id),
      ...(await storage.scores.getMany()).map((row) => row.id),
    ]
    expect(everyId.every(Number.isSafeInteger)).toBe(true)
    expect(new Set(everyId).size).toBe(everyId.length)
  })
})
