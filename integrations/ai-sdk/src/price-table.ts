/**
 * Model prices, in US dollars per million tokens, and the cost of a request from its token
 * counts. The built-in table is versioned: `DEFAULT_PRICES.version` names the date the list
 * prices were read from the providers' pricing pages (standard tier, short-context rates, no
 * batch or regional discounts). Prices change; override or extend the table with `withPrices`.
 */

/** USD per million tokens. Cache rates default to the input rate when a provider has none. */
export interface ModelPrice {
  readonly input: number
  readonly output: number
  readonly cacheRead?: number
  readonly cacheWrite?: number
}

export interface PriceTable {
  /** The date the prices were read, 'YYYY-MM-DD', or a name of your own for a custom table. */
  readonly version: string
  /** Keyed by model id ('gpt-4o') or provider and model id ('openai/gpt-4o'). */
  readonly models: Readonly<Record<string, ModelPrice>>
}

/** What `costOf` needs: token counts as the AI SDK (v6) and OpenTelemetry GenAI report them. */
export interface CostInput {
  readonly modelId: string
  /** 'openai', or an AI SDK provider id such as 'openai.chat' (read up to the first dot). */
  readonly providerId?: string
  /** All input tokens, cache reads and writes included. */
  readonly inputTokens?: number | null
  /** All output tokens, reasoning included (billed at the output rate). */
  readonly outputTokens?: number | null
  readonly cacheReadTokens?: number | null
  readonly cacheWriteTokens?: number | null
}

const anthropicCache = (input: number, output: number): ModelPrice => ({ input, output, cacheRead: input / 10, cacheWrite: input * 1.25 })

/** List prices as published on 2025-11-30 (OpenAI, Anthropic, Google AI Studio, Mistral). */
export const DEFAULT_PRICES: PriceTable = Object.freeze({
  version: '2025-11-30',
  models: Object.freeze({
    'gpt-5': { input: 1.25, output: 10, cacheRead: 0.125 },
    'gpt-5-mini': { input: 0.25, output: 2, cacheRead: 0.025 },
    'gpt-5-nano': { input: 0.05, output: 0.4, cacheRead: 0.005 },
    'gpt-4.1': { input: 2, output: 8, cacheRead: 0.5 },
    'gpt-4.1-mini': { input: 0.4, output: 1.6, cacheRead: 0.1 },
    'gpt-4.1-nano': { input: 0.1, output: 0.4, cacheRead: 0.025 },
    'gpt-4o': { input: 2.5, output: 10, cacheRead: 1.25 },
    'gpt-4o-mini': { input: 0.15, output: 0.6, cacheRead: 0.075 },
    'gpt-4-turbo': { input: 10, output: 30 },
    'gpt-4': { input: 30, output: 60 },
    'gpt-3.5-turbo': { input: 0.5, output: 1.5 },
    o1: { input: 15, output: 60, cacheRead: 7.5 },
    o3: { input: 2, output: 8, cacheRead: 0.5 },
    'o3-mini': { input: 1.1, output: 4.4, cacheRead: 0.55 },
    'o4-mini': { input: 1.1, output: 4.4, cacheRead: 0.275 },
    'claude-opus-4-5': anthropicCache(5, 25),
    'claude-opus-4-1': anthropicCache(15, 75),
    'claude-opus-4': anthropicCache(15, 75),
    'claude-sonnet-4-5': anthropicCache(3, 15),
    'claude-sonnet-4': anthropicCache(3, 15),
    'claude-3-7-sonnet': anthropicCache(3, 15),
    'claude-3-5-sonnet': anthropicCache(3, 15),
    'claude-haiku-4-5': anthropicCache(1, 5),
    'claude-3-5-haiku': anthropicCache(0.8, 4),
    'claude-3-haiku': anthropicCache(0.25, 1.25),
    'gemini-2.5-pro': { input: 1.25, output: 10, cacheRead: 0.125 },
    'gemini-2.5-flash': { input: 0.3, output: 2.5, cacheRead: 0.03 },
    'gemini-2.5-flash-lite': { input: 0.1, output: 0.4, cacheRead: 0.01 },
    'gemini-2.0-flash': { input: 0.1, output: 0.4, cacheRead: 0.025 },
    'mistral-large': { input: 2, output: 6 },
    'mistral-small': { input: 0.1, output: 0.3 },
  }),
})

/**
 * A table with your prices over (or instead of) the built-in ones.
 *
 * @example
 * const prices = withPrices({ 'my-finetune': { input: 3, output: 12 } }, { version: 'acme-2026-01' })
 * createParqueDBMiddleware({ db, prices })
 */
export function withPrices(models: Readonly<Record<string, ModelPrice>>, options: { version?: string; base?: PriceTable | null } = {}): PriceTable {
  const base = options.base === undefined ? DEFAULT_PRICES : options.base
  for (const [model, price] of Object.entries(models)) {
    for (const rate of ['input', 'output', 'cacheRead', 'cacheWrite'] as const) {
      const value = price[rate]
      if ((rate === 'input' || rate === 'output' || value !== undefined) && !(typeof value === 'number' && value >= 0 && Number.isFinite(value))) {
        throw new TypeError(`[parquedb] price of "${model}": ${rate} must be a non-negative number of USD per million tokens, got ${String(value)}`)
      }
    }
  }
  return Object.freeze({
    version: options.version ?? (base ? `${base.version}+custom` : 'custom'),
    models: Object.freeze({ ...base?.models, ...models }),
  })
}

/**
 * The price of a model: by 'provider/model' then by model id, exactly, then by the longest
 * known prefix, so dated snapshots ('gpt-4o-2024-08-06') and gateway ids ('openai/gpt-4o') find
 * their family's price. Undefined for an unknown model.
 */
export function priceOf(modelId: string, providerId: string | undefined, prices: PriceTable = DEFAULT_PRICES): ModelPrice | undefined {
  const provider = providerId?.split('.')[0]
  const candidates = provider ? [`${provider}/${modelId}`, modelId] : [modelId]
  // A gateway id carries its provider: 'openai/gpt-4o' is also looked up as 'gpt-4o'.
  const slash = modelId.indexOf('/')
  if (slash > 0) candidates.push(modelId.slice(slash + 1))
  for (const candidate of candidates) {
    const exact = prices.models[candidate]
    if (exact) return exact
  }
  let best: string | undefined
  for (const key of Object.keys(prices.models)) {
    if (key.length > (best?.length ?? 0) && candidates.some((candidate) => candidate.startsWith(key) && isBoundary(candidate, key.length))) best = key
  }
  return best === undefined ? undefined : prices.models[best]
}

/** A prefix counts only at a word boundary: 'gpt-4o' covers 'gpt-4o-2024-08-06', 'o1' not 'o1x'. */
function isBoundary(candidate: string, length: number): boolean {
  const next = candidate[length]
  return next === undefined || next === '-' || next === '@' || next === ':'
}

/**
 * The cost in USD of one request, or null for a model the table does not know. Cache reads and
 * writes are billed at their own rates and the rest of the input at the input rate.
 *
 * @example
 * costOf({ modelId: 'gpt-4o-mini', inputTokens: 1000, outputTokens: 200 }) // 0.00027
 */
export function costOf(input: CostInput, prices: PriceTable = DEFAULT_PRICES): number | null {
  const price = priceOf(input.modelId, input.providerId, prices)
  if (price === undefined) return null
  const cacheRead = input.cacheReadTokens ?? 0
  const cacheWrite = input.cacheWriteTokens ?? 0
  const uncached = Math.max(0, (input.inputTokens ?? 0) - cacheRead - cacheWrite)
  const micros =
    uncached * price.input +
    cacheRead * (price.cacheRead ?? price.input) +
    cacheWrite * (price.cacheWrite ?? price.input) +
    (input.outputTokens ?? 0) * price.output
  return micros / 1_000_000
}
