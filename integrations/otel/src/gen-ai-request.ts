import { costOf } from '@parquedb/ai-sdk'
import { dateOfNanos, millisBetween } from './nanos.ts'
import type { AttributeMap, JsonValue, SpanRecord } from './types.ts'

/**
 * GenAI spans as `AIRequests` rows (source 'otel'), so model calls reported through OpenTelemetry
 * count in `DailyAIUsage` beside the AI SDK middleware's. Three conventions are read:
 * - the AI SDK's own telemetry (`ai.*`): only its provider-call spans (`ai.generateText.doGenerate`,
 *   `ai.streamText.doStream`, `ai.embed.doEmbed`, ...) are calls; the outer `ai.generateText`
 *   span sums its steps and would count them twice;
 * - OpenTelemetry's GenAI semantic conventions (`gen_ai.*`), model calls only (agent and tool
 *   spans, `invoke_agent` / `execute_tool`, are not);
 * - OpenInference (`llm.*`, `embedding.*`), spans of kind LLM or EMBEDDING.
 */

export type GenAIConvention = 'ai-sdk' | 'gen-ai' | 'openinference'

/** The AI SDK's operation ids name a provider call `ai.<function>.do<Call>`. */
const AI_SDK_CALL = /^ai\.[A-Za-z]+\.do([A-Z][A-Za-z]*)$/

const GEN_AI_REQUEST_TYPES: Readonly<Record<string, string>> = {
  chat: 'generate',
  text_completion: 'generate',
  generate_content: 'generate',
  embeddings: 'embed',
}

/** gen_ai operations that are not one model call (their spans enclose the calls). */
const GEN_AI_NOT_CALLS = new Set(['invoke_agent', 'create_agent', 'execute_tool'])

/** AIRequests' counters are int columns (32-bit). */
const INT32_MAX = 2_147_483_647

/** Which convention marks a span as one model call, or null when it is none. */
export function genAIConventionOf(attributes: AttributeMap): GenAIConvention | null {
  const operationId = attributes['ai.operationId']
  if (typeof operationId === 'string') return AI_SDK_CALL.test(operationId) ? 'ai-sdk' : null
  const operation = attributes['gen_ai.operation.name']
  if (typeof operation === 'string') return GEN_AI_NOT_CALLS.has(operation) ? null : 'gen-ai'
  if (typeof attributes['gen_ai.request.model'] === 'string' || typeof attributes['gen_ai.response.model'] === 'string') return 'gen-ai'
  const kind = attributes['openinference.span.kind']
  if (typeof kind === 'string') return kind.toUpperCase() === 'LLM' || kind.toUpperCase() === 'EMBEDDING' ? 'openinference' : null
  return typeof attributes['llm.model_name'] === 'string' ? 'openinference' : null
}

/**
 * The `AIRequests` row of a span that is a model call, or null; `costUsd` from the AI pack's
 * price table (null for a model it does not know).
 *
 * @example
 * aiRequestOf(span) // { modelId: 'gpt-4o-mini', providerId: 'openai', requestType: 'generate', inputTokens: 12, ... }
 */
export function aiRequestOf(span: SpanRecord): Record<string, unknown> | null {
  const attributes = span.attributes
  const convention = genAIConventionOf(attributes)
  if (convention === null) return null
  const read = (...keys: string[]) => countOf(attributes, keys)
  const inputTokens = read('gen_ai.usage.input_tokens', 'ai.usage.inputTokens', 'gen_ai.usage.prompt_tokens', 'ai.usage.promptTokens', 'llm.token_count.prompt')
  const outputTokens = read('gen_ai.usage.output_tokens', 'ai.usage.outputTokens', 'gen_ai.usage.completion_tokens', 'ai.usage.completionTokens', 'llm.token_count.completion')
  const cacheReadTokens = read('ai.usage.inputTokenDetails.cacheReadTokens', 'ai.usage.cachedInputTokens', 'gen_ai.usage.cache_read.input_tokens', 'gen_ai.usage.cache_read_input_tokens', 'llm.token_count.prompt_details.cache_read')
  const cacheWriteTokens = read('ai.usage.inputTokenDetails.cacheWriteTokens', 'gen_ai.usage.cache_creation.input_tokens', 'gen_ai.usage.cache_creation_input_tokens', 'llm.token_count.prompt_details.cache_write')
  const reasoningTokens = read('ai.usage.outputTokenDetails.reasoningTokens', 'ai.usage.reasoningTokens', 'gen_ai.usage.reasoning.output_tokens', 'llm.token_count.completion_details.reasoning')
  const totalTokens = read('ai.usage.totalTokens', 'ai.usage.tokens', 'gen_ai.usage.total_tokens', 'llm.token_count.total')
  const summed = inputTokens === null && outputTokens === null ? null : (inputTokens ?? 0) + (outputTokens ?? 0)
  // tokens and totalTokens are the same figure in the AI pack: the sender's total, else input + output.
  const tokens = totalTokens ?? (summed !== null && summed <= INT32_MAX ? summed : null)
  const firstChunkMs = numberOf(attributes['ai.response.msToFirstChunk'])
  const error = span.statusCode === 'error' ? errorOf(span) : undefined
  const modelId = modelIdOf(attributes, convention)
  const providerId = providerIdOf(attributes, convention)
  return {
    modelId,
    providerId,
    requestType: requestTypeOf(attributes, convention),
    tokens,
    inputTokens,
    outputTokens,
    cacheReadTokens,
    cacheWriteTokens,
    reasoningTokens,
    totalTokens: tokens,
    latencyMs: Math.min(INT32_MAX, Math.max(0, Math.round(millisBetween(span.startTimeUnixNano, span.endTimeUnixNano)))),
    timeToFirstTokenMs: firstChunkMs === null || firstChunkMs < 0 || firstChunkMs > INT32_MAX ? null : Math.round(firstChunkMs),
    finishReason: finishReasonOf(attributes),
    cached: (cacheReadTokens ?? 0) > 0,
    ...(error === undefined ? {} : { error }),
    costUsd: costOf({ modelId, providerId, inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens }),
    source: 'otel',
    requestId: firstString(attributes, ['gen_ai.response.id', 'ai.response.id']),
    timestamp: dateOfNanos(span.startTimeUnixNano),
  }
}

function modelIdOf(attributes: AttributeMap, convention: GenAIConvention): string {
  const keys = {
    'ai-sdk': ['ai.model.id', 'gen_ai.request.model', 'ai.response.model', 'gen_ai.response.model'],
    'gen-ai': ['gen_ai.request.model', 'gen_ai.response.model'],
    openinference: ['llm.model_name', 'embedding.model_name'],
  }[convention]
  return firstString(attributes, keys) ?? 'unknown'
}

function providerIdOf(attributes: AttributeMap, convention: GenAIConvention): string {
  // The AI SDK's provider ids ('openai.chat') stay whole, as its middleware records them.
  const keys = { 'ai-sdk': ['ai.model.provider', 'gen_ai.system'], 'gen-ai': ['gen_ai.provider.name', 'gen_ai.system'], openinference: ['llm.provider', 'llm.system'] }[convention]
  return firstString(attributes, keys) ?? 'unknown'
}

function requestTypeOf(attributes: AttributeMap, convention: GenAIConvention): string {
  // doGenerate -> 'generate', doStream -> 'stream', doEmbed -> 'embed': the middleware's names.
  if (convention === 'ai-sdk') return (AI_SDK_CALL.exec(String(attributes['ai.operationId']))?.[1] ?? 'generate').toLowerCase()
  if (convention === 'gen-ai') {
    const operation = attributes['gen_ai.operation.name']
    return typeof operation === 'string' ? (GEN_AI_REQUEST_TYPES[operation] ?? operation) : 'generate'
  }
  return String(attributes['openinference.span.kind'] ?? '').toUpperCase() === 'EMBEDDING' ? 'embed' : 'generate'
}

function finishReasonOf(attributes: AttributeMap): string | null {
  const reasons = attributes['gen_ai.response.finish_reasons']
  if (Array.isArray(reasons) && typeof reasons[0] === 'string') return firstString(attributes, ['ai.response.finishReason']) ?? reasons[0]
  return firstString(attributes, ['ai.response.finishReason', 'gen_ai.response.finish_reasons'])
}

/** `{ name, message }` of a failed call: the error type attribute or the recorded exception. */
function errorOf(span: SpanRecord): { name: string; message: string } {
  const exception = span.events.find((event) => event.name === 'exception')?.attributes ?? {}
  const name = firstString(span.attributes, ['error.type']) ?? firstString(exception, ['exception.type']) ?? 'Error'
  const message = span.statusMessage ?? firstString(exception, ['exception.message']) ?? ''
  return { name, message }
}

function firstString(attributes: AttributeMap, keys: readonly string[]): string | null {
  for (const key of keys) {
    const value = attributes[key]
    if (typeof value === 'string' && value !== '') return value
  }
  return null
}

/** The first key holding a count that fits an int column (numbers, or digits as some senders send int64). */
function countOf(attributes: AttributeMap, keys: readonly string[]): number | null {
  for (const key of keys) {
    const value = numberOf(attributes[key])
    if (value !== null && Number.isInteger(value) && value >= 0 && value <= INT32_MAX) return value
  }
  return null
}

function numberOf(value: JsonValue | undefined): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value
  if (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value)) return Number(value)
  return null
}
