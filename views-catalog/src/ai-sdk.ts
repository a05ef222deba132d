import { defineView } from '@parquedb/mv-core'

/**
 * The AI pack: what the AI SDK middleware (and OpenTelemetry GenAI spans) record, and the views
 * over it. The seeds' fields keep their names and meaning (tokens, latencyMs, cached, error,
 * timestamp); the richer ones sit beside them.
 */

/** One model call: `generateText`, `streamText`, `generateObject`, or a GenAI span. */
export const AIRequests = {
  $type: 'AIRequest',
  modelId: 'string!',
  providerId: 'string!',
  /** 'generate' | 'stream' (the AI SDK call kind; `generateObject` is 'generate' with an object Generation), or a GenAI span's operation. */
  requestType: 'string!',
  /** Total tokens (input + output), as the seeds count them; the same as totalTokens. */
  tokens: 'int?',
  inputTokens: 'int?',
  outputTokens: 'int?',
  cacheReadTokens: 'int?',
  cacheWriteTokens: 'int?',
  reasoningTokens: 'int?',
  totalTokens: 'int?',
  latencyMs: 'int!',
  timeToFirstTokenMs: 'int?',
  /** 'stop' | 'length' | 'content-filter' | 'tool-calls' | 'error' | 'other', or 'abort' when the caller cancelled. */
  finishReason: 'string?',
  /** Served from a cache (the provider's prompt cache read, or a response cache). */
  cached: 'boolean!',
  /** `{ name, message, ... }` when the call failed. */
  error: 'variant?',
  /** From the price table (`DEFAULT_PRICES.version` dates it); null for a model it does not know. */
  costUsd: 'double?',
  /** Where the record came from: 'ai-sdk' or 'otel'. */
  source: 'string?',
  /** Links a request to its Generations row. */
  requestId: 'string?',
  timestamp: 'timestamp!',
  $ingest: 'ai-sdk',
} as const

/** What a call produced: text or an object; the prompt only when recording it was asked for. */
export const Generations = {
  $type: 'Generation',
  modelId: 'string!',
  /** 'text' | 'object' */
  contentType: 'string!',
  content: 'variant!',
  prompt: 'string?',
  /** Output tokens: the size of the content. */
  tokens: 'int?',
  requestId: 'string?',
  timestamp: 'timestamp!',
  $ingest: 'ai-sdk',
} as const

/** Requests, tokens, cost, latency, cache hits and errors per model, provider and day. */
export const DailyAIUsage = defineView({
  $from: 'AIRequests',
  $groupBy: ['modelId', 'providerId', { date: '$timestamp' }],
  $compute: {
    requestCount: { $count: '*' },
    totalTokens: { $sum: 'tokens' },
    inputTokens: { $sum: 'inputTokens' },
    outputTokens: { $sum: 'outputTokens' },
    costUsd: { $sum: 'costUsd' },
    avgLatency: { $avg: 'latencyMs' },
    p95Latency: { $percentile: ['latencyMs', 0.95] },
    cacheHitRate: { $avg: { $cond: ['$cached', 1, 0] } },
    errorCount: { $sum: { $cond: [{ $exists: '$error' }, 1, 0] } },
  },
})

/** Failed calls, as they happen. */
export const AIErrors = defineView({
  $from: 'AIRequests',
  $filter: { error: { $exists: true } },
})

/** Structured outputs (`generateObject`, `streamObject`). */
export const GeneratedObjects = defineView({
  $from: 'Generations',
  $filter: { contentType: 'object' },
})

export const aiCollections = { AIRequests, Generations } as const
export const aiViews = { DailyAIUsage, AIErrors, GeneratedObjects } as const
