/**
 * `@parquedb/tail`: Cloudflare Workers tail events into ParqueDB. The plugin (`tail()`), the
 * handler for a tail Worker (`createTailHandler`), the mapping (`toTailEvent`), and the pack's
 * collection and views by name, for schemas that pick only some of them.
 *
 * @example
 * import { DB } from 'parquedb'
 * import { createTailHandler, tail } from '@parquedb/tail'
 * const db = DB({}, { storage: { type: 'r2', bucket: env.PARQUEDB }, plugins: [tail()] })
 * export default { tail: createTailHandler(db) }
 */
import { TailEvents } from './tail-events.ts'

export { tail, TAIL_PLUGIN_NAME } from './tail-plugin.ts'
export { createTailHandler, type TailEventSink, type TailHandler, type TailHandlerOptions, type WaitUntilContext } from './create-tail-handler.ts'
export { isTailEventRow, toTailEvent, UNKNOWN, type ToTailEventOptions } from './to-tail-event.ts'
export type { TailBatchStats, TailEventInput, TailEventType, TailExceptionEntry, TailIssue, TailLimits, TailLogEntry, TraceItemLike } from './types.ts'
export { EndpointMetrics, tailViews, WorkerErrors, WorkerLogs, WorkerRequests } from '@parquedb/views-catalog/tail'
export { TailEvents } from './tail-events.ts'

/** The pack's collections, TailEvents taking TraceItems as they come. */
export const tailCollections = { TailEvents } as const
