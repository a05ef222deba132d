import { TailEvents as TailEventsDefinition } from '@parquedb/views-catalog/tail'
import { withIngest } from 'parquedb'
import { isTailEventRow, toTailEvent } from './to-tail-event.ts'

/**
 * The TailEvents collection that takes the runtime's TraceItems as they come: the seeds'
 * tail worker writes `ctx.waitUntil(db.TailEvents.bulkCreate(events))`, and each item is mapped
 * by toTailEvent on the way in (rows toTailEvent already made pass unchanged).
 */
export const TailEvents = withIngest(TailEventsDefinition, (item) => (isTailEventRow(item) ? (item as Record<string, unknown>) : toTailEvent(item as Record<string, unknown>)) as Record<string, unknown>)
