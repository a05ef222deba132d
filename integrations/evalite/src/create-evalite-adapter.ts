import type { Evalite } from 'evalite'
import { DB, ParqueDBError, type CollectionAccess, type StorageConfig } from 'parquedb'
import { jsonText, toEval, toResult, toRun, toScore, toTrace } from './evalite-entities.ts'
import { evalsQuery, resultsQuery, runsQuery, scoresQuery, tracesQuery, type EvaliteQuery } from './evalite-queries.ts'
import { evalite } from './evalite-plugin.ts'
import { runIdSequence, wideIdSequence, type IdSequence, type IdSequenceOptions } from './id-sequence.ts'

/** A database holding the evalite pack's collections, e.g. `DB({}, { storage, plugins: [evalite()] })`. */
export interface EvaliteDatabase {
  readonly EvalRuns: CollectionAccess
  readonly EvalSuites: CollectionAccess
  readonly EvalResults: CollectionAccess
  readonly EvalScores: CollectionAccess
  readonly EvalTraces: CollectionAccess
  flush(): Promise<void>
  close(): Promise<void>
}

export type EvaliteAdapterOptions = (
  | {
      /** Where to keep the data, as `DB()` takes it: `{ type: 'fs', path: './data' }`. The adapter opens and closes its own database. */
      readonly storage: StorageConfig
      /** Passed to `DB()`: a process writing the store beside another one needs its own. */
      readonly writerId?: string
      readonly db?: never
    }
  | {
      /** A database opened with the evalite plugin; the adapter flushes it but leaves closing it to you. */
      readonly db: EvaliteDatabase
      readonly storage?: never
    }
) & {
  /** The clock ids and timestamps are read from (Date.now by default); for tests. */
  readonly now?: IdSequenceOptions['now']
}

interface Sequences {
  readonly runs: IdSequence
  readonly evals: IdSequence
  readonly results: IdSequence
  readonly scores: IdSequence
  readonly traces: IdSequence
}

/** What a score row needs from its result's eval, kept so scoring does not read it back. */
interface SuiteOfResult {
  readonly evalId: number
  readonly runId: number
  readonly suiteName: string
  readonly variantName: string | null
}

const MAX_ID_ATTEMPTS = 4

/**
 * evalite's storage on ParqueDB collections: point evalite at it in `evalite.config.ts` and its
 * runs, evals, results, scores and traces land in the evalite pack's collections, where the
 * EvalTrends view (and any view you define over them) picks them up. Every `getMany` filter
 * behaves as in evalite's own sqlite storage.
 *
 * @example
 * // evalite.config.ts
 * import { defineConfig } from 'evalite/config'
 * import { createEvaliteAdapter } from 'parquedb/evalite'
 *
 * export default defineConfig({
 *   storage: () => createEvaliteAdapter({ storage: { type: 'fs', path: './data' } }),
 * })
 */
export function createEvaliteAdapter(options: EvaliteAdapterOptions): Evalite.Storage {
  const owned = options.db === undefined
  const db: EvaliteDatabase = options.db ?? (DB({}, { storage: options.storage, plugins: [evalite()], ...(options.writerId ? { writerId: options.writerId } : {}) }) as unknown as EvaliteDatabase)
  const now = options.now ?? Date.now
  const clock = { now }
  const suites = new Map<number, Omit<SuiteOfResult, 'evalId'>>()
  const suiteOfResult = new Map<number, SuiteOfResult>()
  let closed = false
  let sequences: Promise<Sequences> | undefined

  const ready = (): Promise<Sequences> => {
    if (closed) throw new ParqueDBError('CLOSED', 'evalite adapter: the storage is closed')
    sequences ??= startSequences(db, clock)
    return sequences
  }

  const find = async (collection: CollectionAccess, query: EvaliteQuery) => {
    await ready()
    return collection.find(query.filter, query.options)
  }

  const suiteOf = async (evalId: number): Promise<Omit<SuiteOfResult, 'evalId'>> => {
    const known = suites.get(evalId)
    if (known) return known
    const row = await db.EvalSuites.get(String(evalId))
    if (!row) throw new ParqueDBError('NOT_FOUND', `evalite adapter: no eval with id ${evalId}`, { evalId })
    const suite = { runId: row.runId as number, suiteName: row.name as string, variantName: (row.variantName ?? null) as string | null }
    suites.set(evalId, suite)
    return suite
  }

  const resultSuite = async (resultId: number): Promise<SuiteOfResult> => {
    const known = suiteOfResult.get(resultId)
    if (known) return known
    const row = await db.EvalResults.get(String(resultId))
    if (!row) throw new ParqueDBError('NOT_FOUND', `evalite adapter: no result with id ${resultId}`, { resultId })
    const evalId = row.evalId as number
    const found = { evalId, ...(await suiteOf(evalId)) }
    suiteOfResult.set(resultId, found)
    return found
  }

  const updateRow = async (collection: CollectionAccess, id: number, kind: string, fields: Record<string, unknown>) => {
    await ready()
    try {
      return await collection.update(String(id), { $set: fields })
    } catch (error) {
      // evalite's sqlite storage would hand back undefined here; a write that cannot happen throws.
      if (ParqueDBError.isInstance(error, 'NOT_FOUND')) throw new ParqueDBError('NOT_FOUND', `evalite adapter: no ${kind} with id ${id}`, { id }, { cause: error })
      throw error
    }
  }

  const close = async () => {
    if (closed) return
    await sequences?.catch(() => undefined)
    closed = true
    if (owned) await db.close()
    else await db.flush()
  }

  return {
    runs: {
      create: async (opts) => {
        const { runs } = await ready()
        const row = await insert(db.EvalRuns, runs, (id) => ({ runId: id, runType: opts.runType, timestamp: new Date(now()) }))
        return toRun(row)
      },
      getMany: async (opts) => (await find(db.EvalRuns, runsQuery(opts))).map(toRun),
    },
    evals: {
      create: async (opts) => {
        const { evals } = await ready()
        const row = await insert(db.EvalSuites, evals, (id) => ({
          evalId: id,
          runId: opts.runId,
          name: opts.name,
          filepath: opts.filepath,
          status: 'running',
          duration: 0,
          variantName: opts.variantName ?? null,
          variantGroup: opts.variantGroup ?? null,
          timestamp: new Date(now()),
        }))
        suites.set(row.evalId as number, { runId: opts.runId, suiteName: opts.name, variantName: opts.variantName ?? null })
        return toEval(row)
      },
      update: async (opts) => {
        const row = await updateRow(db.EvalSuites, opts.id, 'eval', { status: opts.status })
        // A finished eval is a natural point to publish: evalite may end the process with
        // process.exit and never call close(); the WAL keeps everything durable regardless.
        if (opts.status !== 'running') await db.flush()
        return toEval(row)
      },
      getMany: async (opts) => (await find(db.EvalSuites, evalsQuery(opts))).map(toEval),
    },
    results: {
      create: async (opts) => {
        const { results } = await ready()
        const row = await insert(db.EvalResults, results, (id) => ({
          resultId: id,
          evalId: opts.evalId,
          order: opts.order,
          status: opts.status,
          duration: opts.duration,
          ...resultJson(opts),
          trialIndex: opts.trialIndex ?? null,
          timestamp: new Date(now()),
        }))
        suiteOfResult.set(row.resultId as number, { evalId: opts.evalId, ...(await suiteOf(opts.evalId)) })
        return toResult(row)
      },
      update: async (opts) => {
        const row = await updateRow(db.EvalResults, opts.id, 'result', {
          status: opts.status,
          duration: opts.duration,
          ...resultJson(opts),
          trialIndex: opts.trialIndex ?? null,
        })
        return toResult(row)
      },
      getMany: async (opts) => (await find(db.EvalResults, resultsQuery(opts))).map(toResult),
    },
    scores: {
      create: async (opts) => {
        const { scores } = await ready()
        const suite = await resultSuite(opts.resultId)
        const row = await insert(db.EvalScores, scores, (id) => ({
          runId: suite.runId,
          suiteName: suite.suiteName,
          scorerName: opts.name,
          score: Math.round(opts.score * 10_000) / 10_000,
          timestamp: new Date(now()),
          scoreId: id,
          resultId: opts.resultId,
          evalId: suite.evalId,
          variantName: suite.variantName,
          exactScore: opts.score,
          description: opts.description ?? null,
          metadataJson: jsonText(opts.metadata),
        }))
        return toScore(row)
      },
      getMany: async (opts) => (await find(db.EvalScores, scoresQuery(opts))).map(toScore),
    },
    traces: {
      create: async (opts) => {
        const { traces } = await ready()
        const row = await insert(db.EvalTraces, traces, (id) => ({
          traceId: id,
          resultId: opts.resultId,
          inputJson: jsonText(opts.input),
          outputJson: jsonText(opts.output),
          startTime: Math.round(opts.start),
          endTime: Math.round(opts.end),
          inputTokens: opts.inputTokens ?? null,
          outputTokens: opts.outputTokens ?? null,
          totalTokens: opts.totalTokens ?? null,
          order: opts.order,
          timestamp: new Date(now()),
        }))
        return toTrace(row)
      },
      getMany: async (opts) => (await find(db.EvalTraces, tracesQuery(opts))).map(toTrace),
    },
    close,
    [Symbol.asyncDispose]: close,
  }
}

function resultJson(opts: { input: unknown; output: unknown; expected: unknown; renderedColumns: unknown }) {
  return { inputJson: jsonText(opts.input), outputJson: jsonText(opts.output), expectedJson: jsonText(opts.expected), renderedColumnsJson: jsonText(opts.renderedColumns) }
}

/**
 * Creates a row under a fresh id, used as its `$id` too: ParqueDB rejects an `$id` it already
 * holds, so an id another writer took is skipped rather than stored twice.
 */
async function insert(collection: CollectionAccess, ids: IdSequence, build: (id: number) => Record<string, unknown>): Promise<Record<string, unknown>> {
  for (let attempt = 1; ; attempt++) {
    const id = ids.next()
    try {
      return await collection.create({ $id: String(id), ...build(id) })
    } catch (error) {
      const taken = ParqueDBError.isInstance(error, 'VALIDATION') && error.details.id === String(id)
      if (!taken || attempt >= MAX_ID_ATTEMPTS) throw error
      ids.observe(id)
    }
  }
}

/** Id sequences that start past the largest id each collection holds (see id-sequence.ts). */
async function startSequences(db: EvaliteDatabase, clock: { now: () => number }): Promise<Sequences> {
  const largest = async (collection: CollectionAccess, field: string): Promise<number | undefined> => {
    const [row] = await collection.find({ [field]: { $exists: true } }, { sort: { [field]: -1 }, limit: 1, project: [field] })
    return row?.[field] as number | undefined
  }
  const start = async (sequence: IdSequence, collection: CollectionAccess, field: string) => {
    const id = await largest(collection, field)
    if (id !== undefined) sequence.observe(id)
    return sequence
  }
  const [runs, evals, results, scores, traces] = await Promise.all([
    start(runIdSequence(clock), db.EvalRuns, 'runId'),
    start(wideIdSequence(clock), db.EvalSuites, 'evalId'),
    start(wideIdSequence(clock), db.EvalResults, 'resultId'),
    start(wideIdSequence(clock), db.EvalScores, 'scoreId'),
    start(wideIdSequence(clock), db.EvalTraces, 'traceId'),
  ])
  return { runs, evals, results, scores, traces }
}
