import type { DatabaseFacade } from 'parquedb'
import { aiRequestOf } from './gen-ai-request.ts'
import { logRow } from './log-row.ts'
import { spanRow } from './span-row.ts'
import type { LogRecord, SpanRecord } from './types.ts'
import { writeRows } from './write-rows.ts'

export interface OtelWriteResult {
  readonly written: number
  readonly rejected: number
  /** Why records were refused (the first few), and AIRequests rows that could not be written. */
  readonly problems: readonly string[]
  /** GenAI spans written to AIRequests too. */
  readonly aiRequests: number
}

/** How many refusal messages a result carries; a bad batch can have thousands. */
const MAX_PROBLEMS = 5

/** The AI pack's collection, present when the ai-sdk plugin is loaded or the schema has it. */
const AI_REQUESTS = 'AIRequests'

/**
 * Writes decoded spans to `Spans` and, when the database has the `AIRequests` collection, the
 * GenAI ones to it as well (the spans were written first, so a GenAI row is never without its span).
 *
 * @example
 * const { written, rejected } = await writeSpans(db, records)
 */
export async function writeSpans(db: DatabaseFacade, spans: readonly SpanRecord[]): Promise<OtelWriteResult> {
  if (spans.length === 0) return { written: 0, rejected: 0, problems: [], aiRequests: 0 }
  const outcome = await writeRows(db.collection('Spans'), spans.map(spanRow))
  const problems = outcome.refused.slice(0, MAX_PROBLEMS).map((refusal) => `span ${spans[refusal.index]?.spanId ?? '?'}: ${refusal.message}`)
  let aiRequests = 0
  if (Object.hasOwn(db.schema, AI_REQUESTS)) {
    const refusedSpans = new Set(outcome.refused.map((refusal) => refusal.index))
    const requests = spans.flatMap((span, index) => {
      const row = refusedSpans.has(index) ? null : aiRequestOf(span)
      return row === null ? [] : [row]
    })
    if (requests.length > 0) {
      const written = await writeRows(db.collection(AI_REQUESTS), requests)
      aiRequests = written.written
      problems.push(...written.refused.slice(0, MAX_PROBLEMS).map((refusal) => `AIRequests row of a GenAI span: ${refusal.message}`))
    }
  }
  return { written: outcome.written, rejected: outcome.refused.length, problems, aiRequests }
}

/**
 * Writes decoded log records to `OtelLogs`.
 *
 * @example
 * const { written, rejected } = await writeLogs(db, records)
 */
export async function writeLogs(db: DatabaseFacade, logs: readonly LogRecord[]): Promise<OtelWriteResult> {
  if (logs.length === 0) return { written: 0, rejected: 0, problems: [], aiRequests: 0 }
  const outcome = await writeRows(db.collection('OtelLogs'), logs.map(logRow))
  const problems = outcome.refused.slice(0, MAX_PROBLEMS).map((refusal) => `log record ${refusal.index}: ${refusal.message}`)
  return { written: outcome.written, rejected: outcome.refused.length, problems, aiRequests: 0 }
}
