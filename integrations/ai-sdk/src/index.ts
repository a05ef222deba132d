/**
 * `parquedb/ai-sdk`: record Vercel AI SDK calls into ParqueDB, with the AI usage views.
 *
 * @example
 * import { DB } from 'parquedb'
 * import { AIRequests, Generations, createParqueDBMiddleware } from 'parquedb/ai-sdk'
 * import { wrapLanguageModel, generateText } from 'ai'
 * const db = DB({ AIRequests, Generations }, { storage: { type: 'fs', path: './data' } })
 * const model = wrapLanguageModel({ model: openai('gpt-4o'), middleware: createParqueDBMiddleware({ db }) })
 */
export { aiSdk, AI_SDK_PLUGIN_NAME } from './ai-sdk-plugin.ts'
export { createParqueDBMiddleware, PARQUEDB_MIDDLEWARE_NAME, type ParqueDBMiddleware, type ParqueDBMiddlewareOptions } from './parquedb-middleware.ts'
export { costOf, DEFAULT_PRICES, priceOf, withPrices, type CostInput, type ModelPrice, type PriceTable } from './price-table.ts'
export type { RecordQueueOptions, RecordQueueStats } from './record-queue.ts'
export type { AIRecordSink, AIRequestRecord, GenerationRecord } from './types.ts'
export { AIErrors, aiCollections, AIRequests, aiViews, DailyAIUsage, GeneratedObjects, Generations } from '@parquedb/views-catalog/ai-sdk'
