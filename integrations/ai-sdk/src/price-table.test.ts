import { describe, expect, it } from 'vitest'
import { costOf, DEFAULT_PRICES, priceOf, withPrices } from './price-table.ts'

describe('price table', () => {
  it('is versioned by the date its prices were read', () => {
    expect(DEFAULT_PRICES.version).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    expect(Object.isFrozen(DEFAULT_PRICES.models)).toBe(true)
  })

  it('prices input, output, cache reads and cache writes per million tokens', () => {
    expect(costOf({ modelId: 'gpt-4o-mini', inputTokens: 1000, outputTokens: 200 })).toBeCloseTo((1000 * 0.15 + 200 * 0.6) / 1e6, 15)
    // claude-sonnet-4: $3 input, $15 output, cache reads $0.30, cache writes $3.75.
    const cost = costOf({ modelId: 'claude-sonnet-4-20250514', providerId: 'anthropic.messages', inputTokens: 10_000, outputTokens: 500, cacheReadTokens: 6000, cacheWriteTokens: 2000 })
    expect(cost).toBeCloseTo((2000 * 3 + 6000 * 0.3 + 2000 * 3.75 + 500 * 15) / 1e6, 15)
    expect(costOf({ modelId: 'gpt-4o', inputTokens: null, outputTokens: null })).toBe(0)
  })

  it('finds dated snapshots and gateway ids by their family, and nothing for unknown models', () => {
    expect(priceOf('gpt-4o-2024-08-06', 'openai.chat')).toBe(DEFAULT_PRICES.models['gpt-4o'])
    expect(priceOf('gpt-4o-mini-2024-07-18', undefined)).toBe(DEFAULT_PRICES.models['gpt-4o-mini'])
    expect(priceOf('openai/gpt-4.1-nano', undefined)).toBe(DEFAULT_PRICES.models['gpt-4.1-nano'])
    expect(priceOf('gpt-4-turbo-2024-04-09', undefined)).toBe(DEFAULT_PRICES.models['gpt-4-turbo'])
    expect(priceOf('gpt-4o', undefined)).not.toBe(DEFAULT_PRICES.models['gpt-4'])
    expect(costOf({ modelId: 'mock-model-id', inputTokens: 10 })).toBeNull()
    expect(costOf({ modelId: 'o1x', inputTokens: 10 })).toBeNull()
  })

  it('is extended or overridden with withPrices, per provider when needed', () => {
    const prices = withPrices({ 'my-finetune': { input: 3, output: 12 }, 'gpt-4o': { input: 2, output: 8 }, 'azure/gpt-4o': { input: 1, output: 1 } }, { version: 'acme-2026-01' })
    expect(prices.version).toBe('acme-2026-01')
    expect(costOf({ modelId: 'my-finetune', inputTokens: 1e6, outputTokens: 1e6 }, prices)).toBe(15)
    expect(costOf({ modelId: 'gpt-4o', inputTokens: 1e6 }, prices)).toBe(2)
    expect(costOf({ modelId: 'gpt-4o', providerId: 'azure.chat', inputTokens: 1e6 }, prices)).toBe(1)
    expect(costOf({ modelId: 'gpt-4o-mini', inputTokens: 1e6 }, prices)).toBe(0.15)
    const only = withPrices({ local: { input: 0, output: 0 } }, { base: null })
    expect(only.version).toBe('custom')
    expect(costOf({ modelId: 'gpt-4o', inputTokens: 1 }, only)).toBeNull()
    expect(() => withPrices({ bad: { input: -1, output: 1 } })).toThrow(/price of "bad": input must be a non-negative number/)
  })
})
