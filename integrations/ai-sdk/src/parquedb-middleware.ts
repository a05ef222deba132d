import { ParqueDBError } from 'parquedb'
import { generationRecord, requestRecord, type CallObservation } from './call-record.ts'
import { DEFAULT_PRICES, withPrices, type ModelPrice, type PriceTable } from './price-table.ts'
import { createRecordQueue, type BatchWriter, type RecordQueueOptions, type RecordQueueStats } from './record-queue.ts'
import { recordedStream } from './recorded-stream.ts'
import type { AIRecordSink, AIRequestRecord, GenerationRecord, ModelCallOptions, ModelGenerateResult, ModelIdentity, ModelStreamResult } from './types.ts'

export const PARQUEDB_MIDDLEWARE_NAME = 'parquedb'

export interface ParqueDBMiddlewareOptions extends RecordQueueOptions {
  /** The database (`DB()` with the `AIRequests` and `Generations` collections), or any object with them. */
  readonly db: AIRecordSink
  /** Prices of your own (USD per million tokens), over the built-in table. */
  readonly prices?: Readonly<Record<string, ModelPrice>>
  /** Replaces the built-in table (`withPrices(..., { base: null })` makes one from scratch). */
  readonly priceTable?: PriceTable
  /** Write the prompt into `Generations.prompt`. Off by default: prompts often hold personal data. */
  readonly recordPrompt?: boolean
  /** Write `Generations` rows (default true); false records `AIRequests` only. */
  readonly recordGenerations?: boolean
}

type CallArguments<Result> = { readonly params: ModelCallOptions; readonly model: ModelIdentity } & Result

/**
 * A language-model middleware (spec v3) that passes every call through unchanged and records it.
 * Its extra methods: `flush()` awaits the records queued so far (tests, shutdown, Workers'
 * `ctx.waitUntil`), `stats()` counts written and dropped records.
 */
export interface ParqueDBMiddleware {
  readonly specificationVersion: 'v3'
  wrapGenerate<Result extends ModelGenerateResult>(options: CallArguments<{ readonly doGenerate: () => PromiseLike<Result> }>): Promise<Result>
  wrapStream<Result extends ModelStreamResult<unknown>>(options: CallArguments<{ readonly doStream: () => PromiseLike<Result> }>): Promise<Result>
  flush(): Promise<void>
  stats(): RecordQueueStats
}

/**
 * Records every call of a wrapped model into `AIRequests` (tokens, cost, latency, time to first
 * token, finish reason, errors) and `Generations` (the text or object produced). Records are
 * written in the background in batches; a slow or failing database drops records (counted in
 * `stats().dropped`) and never delays or fails the call.
 *
 * @example
 * const middleware = createParqueDBMiddleware({ db })
 * const model = wrapLanguageModel({ model: openai('gpt-4o'), middleware })
 * const { text } = await generateText({ model, prompt: 'Hello!' })
 * await middleware.flush() // before exit
 */
export function createParqueDBMiddleware(options: ParqueDBMiddlewareOptions): ParqueDBMiddleware {
  const { db } = options
  const recordGenerations = options.recordGenerations ?? true
  if (typeof db?.AIRequests?.bulkCreate !== 'function') {
    throw new ParqueDBError('SCHEMA', 'ai-sdk middleware: db has no AIRequests collection (add AIRequests to the schema, or the aiSdk() plugin)')
  }
  if (recordGenerations && typeof db.Generations?.bulkCreate !== 'function') {
    throw new ParqueDBError('SCHEMA', 'ai-sdk middleware: db has no Generations collection (add Generations to the schema, or pass recordGenerations: false)')
  }
  const prices = options.prices ? withPrices(options.prices, { base: options.priceTable ?? DEFAULT_PRICES }) : (options.priceTable ?? DEFAULT_PRICES)
  const recordPrompt = options.recordPrompt ?? false
  const writers: Record<string, BatchWriter<AIRequestRecord | GenerationRecord>> = {
    AIRequests: (rows) => db.AIRequests.bulkCreate(rows as AIRequestRecord[]),
  }
  if (recordGenerations && db.Generations) {
    const generations = db.Generations
    writers.Generations = (rows) => generations.bulkCreate(rows as GenerationRecord[])
  }
  const queue = createRecordQueue<AIRequestRecord | GenerationRecord>(writers, options)

  // Building a record must not fail the call either: a bug here costs a record, not a response.
  const record = (call: CallObservation) => {
    try {
      const requestId = crypto.randomUUID()
      queue.push('AIRequests', requestRecord(call, requestId, prices))
      const generation = recordGenerations ? generationRecord(call, requestId, recordPrompt) : null
      if (generation) queue.push('Generations', generation)
    } catch {
      queue.discard(1)
    }
  }

  return {
    specificationVersion: 'v3',

    async wrapGenerate<Result extends ModelGenerateResult>({ doGenerate, params, model }: CallArguments<{ readonly doGenerate: () => PromiseLike<Result> }>): Promise<Result> {
      const startedAt = new Date()
      const started = performance.now()
      const base = { model, params, requestType: 'generate' as const, startedAt, timeToFirstTokenMs: null }
      let result: Result
      try {
        result = await doGenerate()
      } catch (error) {
        const aborted = params.abortSignal?.aborted ?? false
        record({ ...base, latencyMs: elapsed(started), usage: undefined, finishReason: null, text: '', error, aborted })
        throw error
      }
      let text = ''
      for (const part of result.content) if (part.type === 'text' && 'text' in part) text += part.text
      record({ ...base, latencyMs: elapsed(started), usage: result.usage, finishReason: result.finishReason.unified, text, error: undefined, aborted: false })
      return result
    },

    async wrapStream<Result extends ModelStreamResult<unknown>>({ doStream, params, model }: CallArguments<{ readonly doStream: () => PromiseLike<Result> }>): Promise<Result> {
      const startedAt = new Date()
      const started = performance.now()
      const base = { model, params, requestType: 'stream' as const, startedAt }
      let result: Result
      try {
        result = await doStream()
      } catch (error) {
        const aborted = params.abortSignal?.aborted ?? false
        record({ ...base, latencyMs: elapsed(started), timeToFirstTokenMs: null, usage: undefined, finishReason: null, text: '', error, aborted })
        throw error
      }
      const stream = recordedStream(result.stream, params.abortSignal, (outcome) =>
        record({
          ...base,
          latencyMs: Math.round(outcome.endedAt - started),
          timeToFirstTokenMs: outcome.firstTokenAt === undefined ? null : Math.round(outcome.firstTokenAt - started),
          usage: outcome.usage,
          finishReason: outcome.finishReason?.unified ?? null,
          text: outcome.text,
          error: outcome.error,
          aborted: outcome.aborted,
        }),
      )
      return { ...result, stream }
    },

    flush: () => queue.flush(),
    stats: () => queue.stats(),
  }
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started)
}
