import { toTailEvent } from './to-tail-event.ts'
import type { TailBatchStats, TailEventInput, TailIssue, TailLimits } from './types.ts'

/** The slice of a database the handler writes through: `DB(...)` returns one. */
export interface TailEventSink {
  collection(name: string): { bulkCreate(rows: readonly TailEventInput[]): Promise<unknown> }
}

/** The slice of a Workers `ExecutionContext` the handler uses. */
export interface WaitUntilContext {
  waitUntil(promise: Promise<unknown>): void
}

export interface TailHandlerOptions {
  /** The collection written; default 'TailEvents'. */
  readonly collection?: string
  readonly limits?: TailLimits
  /** Called once per batch, after the write settled. */
  readonly onBatch?: (stats: TailBatchStats) => void
  /**
   * Where a batch with problems is reported, one line each; default `console.warn` (and
   * `console.error` for a failed write). A Worker cannot be its own tail consumer, so its
   * lines go to its own logs, not back into TailEvents.
   */
  readonly log?: (line: string, stats: TailBatchStats) => void
  /** The clock for items without a usable `eventTimestamp`; default `Date.now`. */
  readonly now?: () => number
}

/** A Worker's `tail` handler: `(events, env, ctx)`; resolves with what the batch did; bad items and a failed write are reported, not thrown. */
export type TailHandler = (events: readonly unknown[], env?: unknown, ctx?: WaitUntilContext) => Promise<TailBatchStats>

const ISSUES: readonly TailIssue[] = ['notAnObject', 'missingField', 'invalidField', 'unknownEventKind', 'truncatedValue', 'nonJsonValue']

/**
 * A tail handler that maps each batch of `TraceItem`s with `toTailEvent` and writes it in one
 * `bulkCreate`, inside `ctx.waitUntil` so the runtime keeps the Worker alive until the rows are
 * durable. Malformed items are stored with what is valid; non-objects are dropped; both are
 * counted in the batch's stats, and a storage failure is reported rather than thrown.
 *
 * @example
 * const db = DB({ TailEvents }, { storage: { type: 'r2', bucket: env.PARQUEDB } })
 * export default { tail: createTailHandler(db) }
 */
export function createTailHandler(db: TailEventSink, options: TailHandlerOptions = {}): TailHandler {
  const collectionName = options.collection ?? 'TailEvents'
  const log = options.log ?? defaultLog
  const now = options.now ?? Date.now
  return (events, _env, ctx) => {
    const { rows, stats } = mapBatch(Array.isArray(events) ? events : [], options.limits, new Date(now()))
    const written = write(db, collectionName, rows, stats).then((final) => {
      if (final.failed > 0 || final.dropped > 0 || final.repaired > 0) log(describe(collectionName, final), final)
      options.onBatch?.(final)
      return final
    })
    ctx?.waitUntil(written)
    return written
  }
}

type Counts = { -readonly [K in keyof TailBatchStats]: TailBatchStats[K] } & { issues: Record<TailIssue, number> }

function mapBatch(events: readonly unknown[], limits: TailLimits | undefined, receivedAt: Date): { rows: TailEventInput[]; stats: Counts } {
  const issues = Object.fromEntries(ISSUES.map((issue) => [issue, 0])) as Record<TailIssue, number>
  const stats: Counts = { received: events.length, stored: 0, dropped: 0, failed: 0, repaired: 0, issues }
  const rows: TailEventInput[] = []
  for (const item of events) {
    // Counted only once the item is mapped: an unreadable one counts as dropped, nothing else.
    const found: TailIssue[] = []
    const report = (issue: TailIssue) => void found.push(issue)
    let row: TailEventInput | undefined
    if (typeof item === 'object' && item !== null) {
      try {
        row = toTailEvent(item, { limits, report, receivedAt })
      } catch {
        // A getter or toString that throws on read: the item cannot be read, like a non-object.
      }
    }
    if (row === undefined) {
      issues.notAnObject++
      stats.dropped++
      continue
    }
    rows.push(row)
    for (const issue of found) issues[issue]++
    if (found.length > 0) stats.repaired++
  }
  return { rows, stats }
}

async function write(db: TailEventSink, collectionName: string, rows: readonly TailEventInput[], stats: Counts): Promise<TailBatchStats> {
  if (rows.length === 0) return stats
  try {
    await db.collection(collectionName).bulkCreate(rows)
    stats.stored = rows.length
  } catch (error) {
    stats.failed = rows.length
    stats.error = error instanceof Error ? error : new Error(String(error))
  }
  return stats
}

function describe(collectionName: string, stats: TailBatchStats): string {
  const issues = Object.entries(stats.issues).filter(([, count]) => count > 0).map(([issue, count]) => `${issue}=${count}`)
  const failure = stats.error ? `; write failed: ${stats.error.message}` : ''
  return `[parquedb] tail -> ${collectionName}: ${stats.received} items, ${stats.stored} stored, ${stats.repaired} repaired, ${stats.dropped} dropped, ${stats.failed} failed${issues.length > 0 ? ` (${issues.join(', ')})` : ''}${failure}`
}

function defaultLog(line: string, stats: TailBatchStats): void {
  if (stats.failed > 0) console.error(line)
  else console.warn(line)
}
