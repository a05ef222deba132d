import type { CollectionDefinition } from '@parquedb/mv-core'

/** Where a collection definition keeps the function that turns what producers send into its rows. */
export const INGEST = Symbol.for('parquedb.ingest')

/** Turns one record as a producer sends it (a Workers TraceItem, an OTLP span...) into a row. */
export type IngestTransform = (input: unknown) => Record<string, unknown>

/**
 * A collection definition whose writes go through `transform` first: `db.X.create` and
 * `bulkCreate` (and HTTP ingest) take what the producer sends — `db.TailEvents.bulkCreate(events)`
 * with the runtime's TraceItems, as the seeds write it. The transform rides on the definition
 * under a symbol, invisible to the schema, so the collection still works à la carte.
 *
 * @example
 * export const TailEvents = withIngest(tailEventsDefinition, toTailEvent)
 */
export function withIngest<const T extends CollectionDefinition>(definition: T, transform: IngestTransform): T {
  const copy = { ...definition }
  Object.defineProperty(copy, INGEST, { value: transform, enumerable: false })
  return Object.freeze(copy) as T
}

/** The transform a definition carries, if any. */
export function ingestOf(definition: unknown): IngestTransform | undefined {
  if (typeof definition !== 'object' || definition === null) return undefined
  const transform = (definition as { [INGEST]?: unknown })[INGEST]
  return typeof transform === 'function' ? (transform as IngestTransform) : undefined
}
