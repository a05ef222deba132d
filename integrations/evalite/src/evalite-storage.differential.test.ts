import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Evalite } from 'evalite'
import { createSqliteStorage } from 'evalite/sqlite-storage'
import { afterAll, describe, expect, it } from 'vitest'
import { createEvaliteAdapter } from './create-evalite-adapter.ts'

/**
 * The same sequence of storage calls (the runner's writes, then every getMany the runner, the UI
 * server and the exporter make) against evalite's own sqlite storage and the adapter, compared
 * after naming ids by creation order and `created_at` by the second they fall in: ids and
 * timestamps differ by design, everything else must not. The scenario waits for the next
 * wall-clock second between its phases, because sqlite's CURRENT_TIMESTAMP has one-second
 * resolution; within one second the adapter's millisecond timestamps are finer than sqlite's.
 */

type Kind = 'run' | 'eval' | 'result' | 'score' | 'trace'
type Entity = { readonly id: number } & Record<string, unknown>
/** How rows with equal sort keys are compared: sqlite leaves the order of ties unspecified. */
type TieKey = (row: Record<string, unknown>) => unknown

interface Recorder {
  readonly log: { label: string; kind: Kind; value: unknown; tie?: TieKey | undefined }[]
  created<T extends Entity>(kind: Kind, entity: T): T
  record(label: string, kind: Kind, value: unknown, tie?: TieKey): void
  nextPhase(): Promise<void>
  normalized(): unknown[]
}

function recorder(): Recorder {
  const ordinals = new Map<Kind, Map<number, number>>()
  const phases = new Map<string, number>()
  const log: Recorder['log'] = []
  let phase = 0
  const ordinal = (kind: Kind, id: unknown) => ordinals.get(kind)?.get(id as number) ?? `unknown ${kind} ${String(id)}`
  const normalize = (kind: Kind, row: Record<string, unknown>) => {
    const out: Record<string, unknown> = { ...row, id: ordinal(kind, row.id) }
    if ('run_id' in row) out.run_id = ordinal('run', row.run_id)
    if ('eval_id' in row) out.eval_id = ordinal('eval', row.eval_id)
    if ('result_id' in row) out.result_id = ordinal('result', row.result_id)
    if ('created_at' in row) out.created_at = `phase ${phases.get(`${kind}:${String(row.id)}`)}`
    return out
  }
  return {
    log,
    created(kind, entity) {
      const ids = ordinals.get(kind) ?? new Map<number, number>()
      ordinals.set(kind, ids)
      if (!ids.has(entity.id)) ids.set(entity.id, ids.size)
      phases.set(`${kind}:${entity.id}`, phase)
      log.push({ label: `create ${kind}`, kind, value: entity })
      return entity
    },
    record(label, kind, value, tie) {
      log.push({ label, kind, value, tie })
    },
    async nextPhase() {
      await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 30))
      phase++
    },
    normalized() {
      return log.map(({ label, kind, value, tie }) => {
        if (!Array.isArray(value)) return { label, value: normalize(kind, value as Record<string, unknown>) }
        const rows = value.map((row: Record<string, unknown>) => normalize(kind, row))
        if (tie) {
          // Keep the order between groups of equal sort keys; within a group, order by creation.
          const groups: Record<string, unknown>[][] = []
          for (const row of rows) {
            const last = groups.at(-1)
            if (last && JSON.stringify(tie(last[0]!)) === JSON.stringify(tie(row))) last.push(row)
            else groups.push([row])
          }
          return { label, value: groups.flatMap((group) => group.sort((a, b) => (a.id as number) - (b.id as number))) }
        }
        return { label, value: rows }
      })
    },
  }
}

async function scenario(storage: Evalite.Storage, rec: Recorder): Promise<void> {
  const byCreated: TieKey = (row) => row.created_at
  // Phase 0: a full run with two evals (one with a variant), results, scores and traces.
  const r1 = rec.created('run', await storage.runs.create({ runType: 'full' }))
  const e1 = rec.created('eval', await storage.evals.create({ runId: r1.id, name: 'greet', filepath: 'evals/greet.eval.ts' }))
  const e2 = rec.created('eval', await storage.evals.create({ runId: r1.id, name: 'sum', filepath: 'evals/sum.eval.ts', variantName: 'small', variantGroup: 'model' }))
  const started = { input: '', expected: '', output: null, duration: 0, status: 'running', renderedColumns: [] } as const
  const res1 = rec.created('result', await storage.results.create({ evalId: e1.id, order: 0, ...started }))
  const res2 = rec.created('result', await storage.results.create({ evalId: e1.id, order: 1, ...started }))
  const res3 = rec.created('result', await storage.results.create({ evalId: e2.id, order: 0, ...started, trialIndex: 2 }))
  rec.record('update result 1', 'result', await storage.results.update({
    id: res1.id,
    input: { name: 'Ada', dropped: undefined },
    output: { text: 'Hello Ada', at: new Date(0) },
    expected: 'Hello Ada',
    duration: 12.5,
    status: 'success',
    renderedColumns: [{ label: 'Input', value: 'Ada' }],
  }))
  rec.record('update result 2', 'result', await storage.results.update({ id: res2.id, input: 'Bob', output: null, expected: undefined, duration: 3, status: 'fail', renderedColumns: undefined }))
  rec.record('update result 3', 'result', await storage.results.update({ id: res3.id, input: [1, 2], output: 3, expected: 3, duration: 1, status: 'success', renderedColumns: [], trialIndex: 2 }))
  rec.created('score', await storage.scores.create({ resultId: res1.id, name: 'exact', score: 1, metadata: undefined }))
  rec.created('score', await storage.scores.create({ resultId: res1.id, name: 'partial', score: 1 / 3, description: 'a third', metadata: { reason: 'close' } }))
  rec.created('score', await storage.scores.create({ resultId: res2.id, name: 'exact', score: 0, metadata: null }))
  rec.created('score', await storage.scores.create({ resultId: res3.id, name: 'exact', score: 0.87654321, metadata: [1] }))
  rec.created('trace', await storage.traces.create({ resultId: res1.id, input: [{ role: 'user', content: 'hi' }], output: 'Hello', start: 1000.4, end: 1250.6, inputTokens: 5, outputTokens: 7, totalTokens: 12, order: 2 }))
  const t2 = rec.created('trace', await storage.traces.create({ resultId: res1.id, input: 'first', output: { ok: true }, start: 900, end: 950, order: 1 }))
  rec.created('trace', await storage.traces.create({ resultId: res3.id, input: null, output: null, start: 1, end: 2, order: 1 }))
  // Neither store keeps a result or trace without an input or output.
  await expect(storage.results.update({ id: res2.id, input: 'Bob', output: undefined, expected: undefined, duration: 3, status: 'fail', renderedColumns: undefined })).rejects.toThrow()
  await expect(storage.traces.create({ resultId: res1.id, input: undefined, output: 'x', start: 0, end: 1, order: 3 })).rejects.toThrow()
  rec.record('update eval 1', 'eval', await storage.evals.update({ id: e1.id, status: 'fail' }))
  rec.record('update eval 2', 'eval', await storage.evals.update({ id: e2.id, status: 'success' }))

  // Phase 1: a partial run re-running one eval.
  await rec.nextPhase()
  const r2 = rec.created('run', await storage.runs.create({ runType: 'partial' }))
  const e3 = rec.created('eval', await storage.evals.create({ runId: r2.id, name: 'greet', filepath: 'evals/greet.eval.ts' }))
  const res4 = rec.created('result', await storage.results.create({ evalId: e3.id, order: 0, ...started }))
  rec.created('score', await storage.scores.create({ resultId: res4.id, name: 'exact', score: 0.5, metadata: undefined }))
  rec.record('update eval 3', 'eval', await storage.evals.update({ id: e3.id, status: 'success' }))

  // Phase 2: a full run, one eval still running.
  await rec.nextPhase()
  const r3 = rec.created('run', await storage.runs.create({ runType: 'full' }))
  const e4 = rec.created('eval', await storage.evals.create({ runId: r3.id, name: 'greet', filepath: 'evals/greet.eval.ts' }))
  const e5 = rec.created('eval', await storage.evals.create({ runId: r3.id, name: 'sum', filepath: 'evals/sum.eval.ts', variantName: 'large', variantGroup: 'model' }))
  rec.record('update eval 4', 'eval', await storage.evals.update({ id: e4.id, status: 'success' }))

  // Runs, as the runner, the UI server (/api/menu-items) and the exporter ask for them.
  rec.record('runs: all', 'run', await storage.runs.getMany(), byCreated)
  rec.record('runs: no options object', 'run', await storage.runs.getMany({}), byCreated)
  rec.record('runs: latest full', 'run', await storage.runs.getMany({ runType: 'full', limit: 1 }))
  rec.record('runs: latest partial', 'run', await storage.runs.getMany({ runType: 'partial', orderBy: 'created_at', orderDirection: 'desc', limit: 1 }))
  rec.record('runs: by id', 'run', await storage.runs.getMany({ ids: [r3.id, r1.id], limit: 1 }))
  rec.record('runs: empty ids', 'run', await storage.runs.getMany({ ids: [] }), byCreated)
  rec.record('runs: by id ascending', 'run', await storage.runs.getMany({ orderBy: 'id', orderDirection: 'asc' }))
  rec.record('runs: oldest first', 'run', await storage.runs.getMany({ orderBy: 'created_at', orderDirection: 'asc' }), byCreated)
  rec.record('runs: created after', 'run', await storage.runs.getMany({ createdAfter: r1.created_at }), byCreated)
  rec.record('runs: created before', 'run', await storage.runs.getMany({ createdBefore: r3.created_at }), byCreated)
  rec.record('runs: created at', 'run', await storage.runs.getMany({ createdAt: r2.created_at }))
  rec.record('runs: between', 'run', await storage.runs.getMany({ createdAfter: r1.created_at, createdBefore: r3.created_at }))
  rec.record('runs: limit 0 is no limit', 'run', await storage.runs.getMany({ limit: 0 }), byCreated)

  // Evals.
  rec.record('evals: all', 'eval', await storage.evals.getMany(), byCreated)
  rec.record('evals: of a run, by name (runner)', 'eval', await storage.evals.getMany({ runIds: [r1.id], name: 'greet' }))
  rec.record('evals: of runs, any status (menu)', 'eval', await storage.evals.getMany({ runIds: [r3.id, r2.id], statuses: ['fail', 'success', 'running'] }), byCreated)
  rec.record('evals: previous eval (menu)', 'eval', await storage.evals.getMany({ name: 'greet', createdBefore: e4.created_at, statuses: ['fail', 'success'], orderBy: 'created_at', orderDirection: 'desc', limit: 1 }))
  rec.record('evals: no previous eval', 'eval', await storage.evals.getMany({ name: 'greet', createdBefore: e1.created_at, statuses: ['fail', 'success'], orderBy: 'created_at', orderDirection: 'desc', limit: 1 }))
  rec.record('evals: at a timestamp (/api/eval)', 'eval', await storage.evals.getMany({ name: 'greet', createdAt: e3.created_at, orderBy: 'created_at', orderDirection: 'desc', limit: 1 }))
  rec.record('evals: history (/api/eval)', 'eval', await storage.evals.getMany({ name: 'greet', statuses: ['fail', 'success'], orderBy: 'created_at', orderDirection: 'asc' }))
  rec.record('evals: by id', 'eval', await storage.evals.getMany({ ids: [e5.id, e2.id] }), byCreated)
  rec.record('evals: by name', 'eval', await storage.evals.getMany({ orderBy: 'name', orderDirection: 'asc' }), (row) => row.name)
  rec.record('evals: running', 'eval', await storage.evals.getMany({ statuses: ['running'] }))
  rec.record('evals: created after the first phase', 'eval', await storage.evals.getMany({ createdAfter: e2.created_at }), byCreated)
  rec.record('evals: empty filters', 'eval', await storage.evals.getMany({ ids: [], runIds: [], statuses: [], name: '' }), byCreated)
  rec.record('evals: unknown timestamp', 'eval', await storage.evals.getMany({ createdAt: 'not a time' }))

  // Results, scores and traces.
  rec.record('results: of an eval (runner)', 'result', await storage.results.getMany({ evalIds: [e1.id] }))
  rec.record('results: at an order (runner)', 'result', await storage.results.getMany({ evalIds: [e1.id], order: 1 }))
  rec.record('results: of evals', 'result', await storage.results.getMany({ evalIds: [e2.id, e1.id, e3.id] }), (row) => row.col_order)
  rec.record('results: failed', 'result', await storage.results.getMany({ statuses: ['fail'] }))
  rec.record('results: by id', 'result', await storage.results.getMany({ ids: [res3.id, res1.id] }), (row) => row.col_order)
  rec.record('results: all', 'result', await storage.results.getMany(), (row) => row.col_order)
  rec.record('scores: of results', 'score', await storage.scores.getMany({ resultIds: [res1.id, res4.id] }))
  rec.record('scores: all', 'score', await storage.scores.getMany())
  rec.record('scores: empty ids', 'score', await storage.scores.getMany({ ids: [], resultIds: [] }))
  rec.record('traces: of a result', 'trace', await storage.traces.getMany({ resultIds: [res1.id] }))
  rec.record('traces: all', 'trace', await storage.traces.getMany(), (row) => row.col_order)
  rec.record('traces: by id', 'trace', await storage.traces.getMany({ ids: [t2.id] }))
}

describe('the adapter answers evalite like its sqlite storage', () => {
  const dirs: string[] = []
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true })
  })

  it('gives the same entities for the same calls', { timeout: 30_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parquedb-evalite-diff-'))
    dirs.push(dir)
    const sqlite = recorder()
    const parquedb = recorder()
    await using sqliteStorage = await createSqliteStorage(join(dir, 'evalite.db'))
    await using adapter = createEvaliteAdapter({ storage: { type: 'memory' } })
    // Both stores run the scenario together, phase by phase, so their phases share a second.
    await Promise.all([scenario(sqliteStorage, sqlite), scenario(adapter, parquedb)])
    const expected = sqlite.normalized()
    const actual = parquedb.normalized()
    expect(actual.length).toBe(expected.length)
    for (const [index, entry] of expected.entries()) expect(actual[index]).toEqual(entry)
  })
})
