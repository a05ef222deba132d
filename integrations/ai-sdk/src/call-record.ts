import { costOf, type PriceTable } from './price-table.ts'
import type { AIRequestRecord, GenerationRecord, ModelCallOptions, ModelIdentity, ModelPromptMessage, ModelUsage } from './types.ts'

/** What the middleware saw of one model call, turned into its `AIRequests` and `Generations` rows. */
export interface CallObservation {
  readonly model: ModelIdentity
  readonly params: ModelCallOptions
  readonly requestType: 'generate' | 'stream'
  readonly startedAt: Date
  readonly latencyMs: number
  readonly timeToFirstTokenMs: number | null
  readonly usage: ModelUsage | undefined
  readonly finishReason: string | null
  readonly text: string
  readonly error: unknown
  /** The caller stopped the call (AbortSignal, or the stream was cancelled); `error` is then the reason. */
  readonly aborted: boolean
}

export function requestRecord(call: CallObservation, requestId: string, prices: PriceTable): AIRequestRecord {
  const inputTokens = call.usage?.inputTokens.total ?? null
  const outputTokens = call.usage?.outputTokens.total ?? null
  const cacheReadTokens = call.usage?.inputTokens.cacheRead ?? null
  const cacheWriteTokens = call.usage?.inputTokens.cacheWrite ?? null
  const totalTokens = inputTokens === null && outputTokens === null ? null : (inputTokens ?? 0) + (outputTokens ?? 0)
  const modelId = call.model.modelId
  const providerId = call.model.provider
  return {
    modelId,
    providerId,
    requestType: call.requestType,
    tokens: totalTokens,
    inputTokens,
    outputTokens,
    cacheReadTokens,
    cacheWriteTokens,
    reasoningTokens: call.usage?.outputTokens.reasoning ?? null,
    totalTokens,
    latencyMs: call.latencyMs,
    timeToFirstTokenMs: call.timeToFirstTokenMs,
    // A cancellation is the caller's choice, not a model failure: finishReason 'abort', no error.
    finishReason: call.aborted ? 'abort' : (call.finishReason ?? (call.error === undefined ? null : 'error')),
    cached: (cacheReadTokens ?? 0) > 0,
    error: call.aborted || call.error === undefined ? null : errorOf(call.error),
    // An aborted stream's usage is unknown (no finish part), so is its cost.
    costUsd: call.usage === undefined ? null : costOf({ modelId, providerId, inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens }, prices),
    source: 'ai-sdk',
    requestId,
    timestamp: call.startedAt,
  }
}

/** The generation, or null when nothing was produced (a failed call, an abort before any text). */
export function generationRecord(call: CallObservation, requestId: string, recordPrompt: boolean): GenerationRecord | null {
  if (call.error !== undefined && !call.aborted) return null
  if (call.aborted && call.text === '') return null
  const isObject = call.params.responseFormat?.type === 'json'
  return {
    modelId: call.model.modelId,
    contentType: isObject ? 'object' : 'text',
    content: isObject ? parseObject(call.text) : call.text,
    prompt: recordPrompt ? promptText(call.params.prompt) : null,
    tokens: call.usage?.outputTokens.total ?? null,
    requestId,
    timestamp: call.startedAt,
  }
}

/** JSON output as an object; partial JSON (an aborted stream) stays text. */
function parseObject(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** An error as a small serializable record. */
function errorOf(error: unknown): NonNullable<AIRequestRecord['error']> {
  if (typeof error === 'string') return { name: 'Error', message: error }
  const fields = typeof error === 'object' && error !== null ? (error as { name?: unknown; message?: unknown }) : {}
  return {
    name: typeof fields.name === 'string' ? fields.name : 'Error',
    message: typeof fields.message === 'string' ? fields.message : safeJson(error),
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

/** The prompt as readable lines ('user: Hello!'); files and tool parts are named, not inlined. */
export function promptText(prompt: readonly ModelPromptMessage[]): string {
  return prompt
    .map((message) => {
      const content =
        typeof message.content === 'string'
          ? message.content
          : message.content.map((part) => (part.type === 'text' || part.type === 'reasoning' ? (part.text ?? '') : `[${part.type}${part.toolName ? ` ${part.toolName}` : ''}]`)).join('')
      return `${message.role}: ${content}`
    })
    .join('\n')
}
