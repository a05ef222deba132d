/**
 * Test helpers shipped as `@parquedb/mv-core/testing`: seeded randomness and realistic event
 * generators, shared by our tests and benchmarks and usable in yours.
 *
 * @example
 * import { generateTailEvents, tailEventsDefinition } from '@parquedb/mv-core/testing'
 */
export { createRandom, weightedPicker, type Random, type Weighted } from './random.ts'
export {
  DEFAULT_TAIL_EVENTS_PER_SECOND,
  DEFAULT_TAIL_START_MS,
  generateTailEvents,
  tailEventBatches,
  tailEventTimestamp,
  tailEventsDefinition,
  type TailEventRow,
  type TailEventStreamOptions,
  type TailException,
  type TailFetchEvent,
  type TailLog,
  type TailLogLevel,
  type TailOutcome,
  type TailQueueEvent,
  type TailRequestCf,
  type TailScheduledEvent,
} from './tail-events.ts'
