/**
 * The slice of the AI SDK's language-model spec (v3, `@ai-sdk/provider`) the middleware reads,
 * described here rather than imported so the package type-checks against `ai` 6 and 7 alike.
 * The middleware's methods are generic over the real types, so nothing the model returns is
 * narrowed on its way to the caller.
 */

/** Token counts as `LanguageModelV3Usage` reports them (undefined when the provider says nothing). */
export interface ModelUsage {
  readonly inputTokens: {
    readonly total: number | undefined
    readonly noCache?: number | undefined
    readonly cacheRead: number | undefined
    readonly cacheWrite: number | undefined
  }
  readonly outputTokens: {
    readonly total: number | undefined
    readonly text?: number | undefined
    readonly reasoning: number | undefined
  }
}

export interface ModelFinishReason {
  readonly unified: string
  readonly raw?: string | undefined
}

/** One content part of a generate result; only text parts are read. */
export type ModelContentPart = { readonly type: 'text'; readonly text: string } | { readonly type: string }

export interface ModelGenerateResult {
  readonly content: readonly ModelContentPart[]
  readonly finishReason: ModelFinishReason
  readonly usage: ModelUsage
}

/** One stream part; the middleware reads deltas, `finish` and `error`, and passes every part on. */
export type ModelStreamPart =
  | { readonly type: 'text-delta'; readonly delta: string }
  | { readonly type: 'finish'; readonly usage: ModelUsage; readonly finishReason: ModelFinishReason }
  | { readonly type: 'error'; readonly error: unknown }
  | { readonly type: string }

export interface ModelStreamResult<Part = ModelStreamPart> {
  readonly stream: ReadableStream<Part>
}

/** A prompt message: system text, or parts of which the text ones are recorded. */
export interface ModelPromptMessage {
  readonly role: string
  readonly content: string | readonly ({ readonly type: string; readonly text?: string; readonly toolName?: string })[]
}

export interface ModelCallOptions {
  readonly prompt: readonly ModelPromptMessage[]
  readonly responseFormat?: { readonly type: string } | undefined
  readonly abortSignal?: AbortSignal | undefined
}

export interface ModelIdentity {
  readonly provider: string
  readonly modelId: string
}

/** A row of the `AIRequests` collection, as the middleware writes it. */
export interface AIRequestRecord {
  modelId: string
  providerId: string
  requestType: 'generate' | 'stream'
  tokens: number | null
  inputTokens: number | null
  outputTokens: number | null
  cacheReadTokens: number | null
  cacheWriteTokens: number | null
  reasoningTokens: number | null
  totalTokens: number | null
  latencyMs: number
  timeToFirstTokenMs: number | null
  finishReason: string | null
  cached: boolean
  error: { name: string; message: string } | null
  costUsd: number | null
  source: 'ai-sdk'
  requestId: string
  timestamp: Date
}

/** A row of the `Generations` collection. */
export interface GenerationRecord {
  modelId: string
  contentType: 'text' | 'object'
  content: unknown
  prompt: string | null
  tokens: number | null
  requestId: string
  timestamp: Date
}

/** What the middleware writes into: the `DB()` facade, or anything with these two collections. */
export interface AIRecordSink {
  readonly AIRequests: { bulkCreate(rows: readonly AIRequestRecord[]): PromiseLike<unknown> }
  readonly Generations?: { bulkCreate(rows: readonly GenerationRecord[]): PromiseLike<unknown> } | undefined
}
