import { scaled, summarize, type BenchmarkDefinition, type Contest, type Trial } from '../harness.ts'

/** Calls per side in one repetition, timed one by one. */
const CALLS = 4000
/** Calls in a row on one side before switching, so drift on the machine hits both sides alike. */
const BLOCK = 50

/**
 * `ai.middleware.overhead`: what `createParqueDBMiddleware` adds to one `generateText` call. Each
 * repetition times CALLS calls of the same mock model unwrapped and CALLS wrapped (recording
 * into an in-memory database, its background writes included in the clock as they interleave),
 * in alternating blocks; the figure is p50(wrapped) - p50(unwrapped) in µs. There is no external
 * peer: the unwrapped model is the baseline the figure is taken against, within the same
 * repetition, and both p50s are printed to stderr.
 */
export const aiMiddlewareOverheadBenchmark: BenchmarkDefinition = {
  id: 'ai.middleware.overhead',
  metric: 'overhead_us_per_call',
  unit: 'µs',
  better: 'lower',
  peer: 'none',
  target: 50,
  repetitions: 7,
  description: `p50 of generateText over MockLanguageModelV3 wrapped with the ParqueDB middleware (memory storage) minus p50 unwrapped, ${CALLS} calls per side per repetition`,
  prepare: async (scale): Promise<Contest> => {
    let modules: [typeof import('ai'), typeof import('ai/test'), typeof import('parquedb'), typeof import('@parquedb/ai-sdk')]
    try {
      modules = await Promise.all([import('ai'), import('ai/test'), import('parquedb'), import('@parquedb/ai-sdk')])
    } catch (error) {
      const reason = { unavailable: `ai or @parquedb/ai-sdk not available: ${error instanceof Error ? error.message : String(error)}` }
      return { ours: reason, peer: reason, dispose: async () => undefined }
    }
    const [{ generateText, wrapLanguageModel }, { MockLanguageModelV3 }, { DB }, { aiSdk, createParqueDBMiddleware }] = modules
    const calls = scaled(CALLS, scale)
    const model = new MockLanguageModelV3({
      provider: 'openai.chat',
      modelId: 'gpt-4o-mini',
      doGenerate: async () => ({
        content: [{ type: 'text', text: 'The quick brown fox jumps over the lazy dog.' }],
        finishReason: { unified: 'stop', raw: 'stop' },
        usage: { inputTokens: { total: 120, noCache: 20, cacheRead: 100, cacheWrite: 0 }, outputTokens: { total: 11, text: 11, reasoning: 0 } },
        warnings: [],
      }),
    })
    const db = DB({}, { storage: { type: 'memory' }, plugins: [aiSdk()] })
    await db.ready()
    const middleware = createParqueDBMiddleware({ db })
    const wrapped = wrapLanguageModel({ model, middleware })
    const timeCall = async (subject: typeof model | typeof wrapped) => {
      const started = performance.now()
      const result = await generateText({ model: subject, prompt: 'Write a pangram.' })
      const elapsed = performance.now() - started
      if (result.text.length === 0) throw new Error('generateText returned no text')
      return elapsed * 1000
    }
    let recorded = 0
    const ours: Trial = async () => {
      const plain: number[] = []
      const recording: number[] = []
      for (let done = 0; done < calls; done += BLOCK) {
        for (let call = 0; call < BLOCK; call++) plain.push(await timeCall(model))
        for (let call = 0; call < BLOCK; call++) recording.push(await timeCall(wrapped))
      }
      await middleware.flush()
      recorded += recording.length
      const stats = middleware.stats()
      if (stats.dropped > 0 || stats.written !== recorded * 2) throw new Error(`the middleware wrote ${stats.written} records and dropped ${stats.dropped}, expected ${recorded * 2} written`)
      const [unwrappedP50, wrappedP50] = [summarize(plain).median, summarize(recording).median]
      process.stderr.write(`  ai.middleware.overhead: p50 unwrapped ${unwrappedP50.toFixed(1)} µs, wrapped ${wrappedP50.toFixed(1)} µs\n`)
      return wrappedP50 - unwrappedP50
    }
    return {
      ours,
      peer: { unavailable: 'no peer: the figure is already wrapped minus unwrapped, measured in the same repetition' },
      dispose: () => db.close(),
    }
  },
}
