/**
 * The contract of the tail integration: the slice of the Workers `TraceItem` it reads, the row it
 * writes into TailEvents, and what it reports per batch. Imports nothing, so a Worker bundle
 * pulls in no types package at runtime.
 */

/**
 * The parts of a Workers `TraceItem` (`@cloudflare/workers-types`) that become a row. Every
 * field is optional and `unknown`-typed where the runtime's own type is loose: the mapping checks
 * each one, so a real `TraceItem[]` and a malformed object are both accepted.
 */
export interface TraceItemLike {
  readonly scriptName?: string | null
  readonly outcome?: string
  readonly eventTimestamp?: number | null
  readonly event?: object | null
  readonly logs?: readonly unknown[]
  readonly exceptions?: readonly unknown[]
  readonly cpuTime?: number | null
  readonly wallTime?: number | null
  readonly scriptVersion?: { readonly id?: string } | string | null
  readonly entrypoint?: string | null
  readonly executionModel?: string | null
  readonly truncated?: boolean | null
}

/** What `event` held, by the fields the runtime gives each kind (TraceItem events carry no tag). */
export type TailEventType = 'fetch' | 'scheduled' | 'queue' | 'alarm' | 'email' | 'rpc' | 'tail' | 'websocket' | 'other'

/** One TailEvents row, ready for `bulkCreate`. */
export type TailEventInput = {
  scriptName: string
  outcome: string
  eventTimestamp: Date
  event: Record<string, unknown> | null
  eventType: TailEventType | null
  logs: TailLogEntry[]
  exceptions: TailExceptionEntry[]
  cpuTime: number | null
  wallTime: number | null
  scriptVersion: string | null
  entrypoint: string | null
  executionModel: string | null
  truncated: boolean | null
}

export type TailLogEntry = { level: string; message: unknown; timestamp: number }
export type TailExceptionEntry = { name: string; message: string; timestamp: number; stack?: string }

/**
 * What was wrong with an item, counted per batch:
 * - `notAnObject`: the item was not an object (or could not be read); nothing was stored;
 * - `missingField`: a required field was absent or null and a default was stored;
 * - `invalidField`: a field had the wrong type and was replaced (or dropped, in a list);
 * - `unknownEventKind`: `event` matched no known kind and was stored as 'other';
 * - `truncatedValue`: a log message, stack or event was cut to the size limit;
 * - `nonJsonValue`: a part that JSON cannot hold (function, bigint, cycle, NaN) was replaced.
 */
export type TailIssue = 'notAnObject' | 'missingField' | 'invalidField' | 'unknownEventKind' | 'truncatedValue' | 'nonJsonValue'

/** What one batch did: `received = stored + dropped + failed`. */
export interface TailBatchStats {
  readonly received: number
  /** Rows written (and durable) in TailEvents. */
  readonly stored: number
  /** Items that were not objects, or could not be read. */
  readonly dropped: number
  /** Rows the write did not accept (a storage error); see `error`. */
  readonly failed: number
  /** Items stored with at least one field repaired. */
  readonly repaired: number
  readonly issues: Readonly<Record<TailIssue, number>>
  readonly error?: Error
}

/** Size limits, in characters of JSON text, applied to each item. */
export interface TailLimits {
  /** One log line's message; default 16 KiB. */
  readonly maxLogMessage?: number
  /** One exception's message and stack, each; default 16 KiB. */
  readonly maxException?: number
  /** The event (request headers and cf included); default 32 KiB. */
  readonly maxEvent?: number
}
