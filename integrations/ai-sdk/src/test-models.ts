import { simulateReadableStream } from 'ai'
import { MockLanguageModelV3 } from 'ai/test'

/**
 * Deterministic models for the tests and the benchmark: the AI SDK's own MockLanguageModelV3
 * answering with fixed text, usage and finish reason, after optional delays.
 */

export const MODEL_ID = 'gpt-4o-mini'
export const PROVIDER_ID = 'openai.chat'

export interface UsageCounts {
  readonly input: number
  readonly output: number
  readonly cacheRead?: number
  readonly cacheWrite?: number
  readonly reasoning?: number
}

/** `LanguageModelV3Usage` from plain counts. */
export function usageOf(counts: UsageCounts) {
  const cacheRead = counts.cacheRead ?? 0
  const cacheWrite = counts.cacheWrite ?? 0
  const reasoning = counts.reasoning ?? 0
  return {
    inputTokens: { total: counts.input, noCache: counts.input - cacheRead - cacheWrite, cacheRead, cacheWrite },
    outputTokens: { total: counts.output, text: counts.output - reasoning, reasoning },
  }
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Answers `generateText` / `generateObject` with `text`, after `delayMs`. */
export function generatingModel(text: string, counts: UsageCounts, options: { delayMs?: number; modelId?: string } = {}) {
  return new MockLanguageModelV3({
    provider: PROVIDER_ID,
    modelId: options.modelId ?? MODEL_ID,
    doGenerate: async () => {
      if (options.delayMs) await delay(options.delayMs)
      return {
        content: [{ type: 'text', text }],
        finishReason: { unified: 'stop', raw: 'stop' },
        usage: usageOf(counts),
        warnings: [],
      }
    },
  })
}

/** Streams `deltas` as text, then a finish part; the first delta after `firstDelayMs`. */
export function streamingModel(deltas: readonly string[], counts: UsageCounts, options: { firstDelayMs?: number; chunkDelayMs?: number } = {}) {
  return new MockLanguageModelV3({
    provider: PROVIDER_ID,
    modelId: MODEL_ID,
    doStream: async () => ({
      stream: simulateReadableStream({
        initialDelayInMs: options.firstDelayMs ?? null,
        chunkDelayInMs: options.chunkDelayMs ?? null,
        chunks: [
          { type: 'stream-start' as const, warnings: [] },
          { type: 'text-start' as const, id: 't' },
          ...deltas.map((delta) => ({ type: 'text-delta' as const, id: 't', delta })),
          { type: 'text-end' as const, id: 't' },
          { type: 'finish' as const, finishReason: { unified: 'stop' as const, raw: 'stop' }, usage: usageOf(counts) },
        ],
      }),
    }),
  })
}
