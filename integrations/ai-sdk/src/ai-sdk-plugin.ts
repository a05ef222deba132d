import { aiCollections, aiViews } from '@parquedb/views-catalog/ai-sdk'
import { definePlugin } from 'parquedb'

export const AI_SDK_PLUGIN_NAME = 'ai-sdk'

/**
 * The AI SDK integration as a plugin: the `AIRequests` and `Generations` stream collections and
 * the `DailyAIUsage`, `AIErrors` and `GeneratedObjects` views. Record into them with
 * `createParqueDBMiddleware({ db })`.
 *
 * @example
 * const db = DB({}, { storage: { type: 'fs', path: './data' }, plugins: [aiSdk()] })
 * const model = wrapLanguageModel({ model: openai('gpt-4o'), middleware: createParqueDBMiddleware({ db }) })
 * await db.DailyAIUsage.find({ modelId: 'gpt-4o' })
 */
export function aiSdk() {
  return definePlugin({ name: AI_SDK_PLUGIN_NAME, collections: aiCollections, views: aiViews })
}
