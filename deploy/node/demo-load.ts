import { createRandom, generateTailEvents, type TailEventRow } from '@parquedb/mv-core/testing'

/** What one tick of the demo load writes: events stamped "now", so the dashboards move. */
export interface DemoTick {
  readonly tail: TailEventRow[]
  readonly ai: Record<string, unknown>[]
  readonly evals: Record<string, unknown>[]
}

const MODELS = [
  ['gpt-4o', 'openai', 900],
  ['gpt-4o-mini', 'openai', 350],
  ['claude-sonnet', 'anthropic', 1100],
  ['gemini-flash', 'google', 300],
] as const
const SUITES = ['summaries', 'sql-generation', 'support-replies']
const SCORERS = ['factuality', 'levenshtein', 'tone']

/**
 * A realistic, seeded load: tail events at `tailPerSecond`, AI requests at a tenth of that,
 * and an eval run (every suite × scorer) every `evalEverySeconds`.
 *
 * @example
 * const load = demoLoad({ tailPerSecond: 500, seed: 1 })
 * const tick = load.next(new Date(), 0.1) // what 100 ms of traffic writes
 */
export function demoLoad(options: { tailPerSecond: number; seed: number; evalEverySeconds?: number }) {
  const random = createRandom(options.seed)
  let carry = 0
  let runId = 0
  let sinceEval = Number.POSITIVE_INFINITY
  const evalEvery = options.evalEverySeconds ?? 10
  return {
    next(now: Date, seconds: number): DemoTick {
      carry += options.tailPerSecond * seconds
      const count = Math.floor(carry)
      carry -= count
      const tail = count === 0 ? [] : generateTailEvents({ count, seed: random.int(0, 2 ** 30), start: new Date(now.getTime() - seconds * 1000), eventsPerSecond: Math.max(1, count / seconds) })
      const ai = Array.from({ length: Math.round(count / 10) }, () => {
        const [modelId, providerId, latency] = random.pick(MODELS) as (typeof MODELS)[number]
        const failed = random.next() < 0.03
        return {
          modelId,
          providerId,
          requestType: random.pick(['generate', 'generate', 'stream', 'object']),
          tokens: failed ? null : random.int(50, 4000),
          latencyMs: Math.round(latency * (0.5 + random.next() * 1.5)),
          cached: random.next() < 0.2,
          ...(failed ? { error: { name: 'APICallError', message: random.pick(['rate limited', 'overloaded', 'timeout']) } } : {}),
          timestamp: now,
        }
      })
      sinceEval += seconds
      const evals: Record<string, unknown>[] = []
      if (sinceEval >= evalEvery) {
        sinceEval = 0
        runId++
        for (const suiteName of SUITES) for (const scorerName of SCORERS) evals.push({ runId, suiteName, scorerName, score: Math.round((0.6 + random.next() * 0.4) * 10000) / 10000, timestamp: now })
      }
      return { tail, ai, evals }
    },
  }
}
