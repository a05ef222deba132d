import { tailViews } from '@parquedb/views-catalog/tail'
import { TailEvents } from './tail-events.ts'
import { definePlugin } from 'parquedb'

export const TAIL_PLUGIN_NAME = 'tail'

/**
 * The tail integration as a plugin: the TailEvents stream collection and its views (WorkerLogs,
 * WorkerErrors, WorkerRequests, EndpointMetrics), maintained as events arrive. Write the events
 * with `createTailHandler(db)`. For only some of the views, put them in the schema by name
 * instead: `DB({ TailEvents, WorkerErrors }, ...)`.
 *
 * @example
 * const db = DB({}, { storage: { type: 'r2', bucket: env.PARQUEDB }, plugins: [tail()] })
 * export default { tail: createTailHandler(db) }
 */
export function tail() {
  return definePlugin({ name: TAIL_PLUGIN_NAME, collections: { TailEvents }, views: tailViews })
}
