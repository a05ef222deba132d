import type { DatabaseFacade } from 'parquedb'
import { writeSpans } from './otel-writer.ts'
import { recordOfReadableSpan, type ReadableSpanLike } from './readable-span-record.ts'

/** `ExportResultCode` of `@opentelemetry/core` (SUCCESS 0, FAILED 1), without depending on it. */
export const EXPORT_SUCCESS = 0
export const EXPORT_FAILED = 1

export interface ExportResultLike {
  code: typeof EXPORT_SUCCESS | typeof EXPORT_FAILED
  error?: Error
}

/**
 * An OpenTelemetry `SpanExporter` that writes finished spans into a ParqueDB database: every span
 * to `Spans`, GenAI spans also to `AIRequests` when the database has it (the otel plugin brings
 * it). The database must have the otel plugin (or the pack's `Spans` collection).
 *
 * @example
 * const db = DB({}, { storage: { type: 'fs', path: './data' }, plugins: [otel(), aiSdk()] })
 * const sdk = new NodeSDK({ spanProcessors: [new BatchSpanProcessor(new ParqueDBSpanExporter(db))] })
 * sdk.start()
 */
export class ParqueDBSpanExporter {
  readonly #db: DatabaseFacade
  readonly #pending = new Set<Promise<void>>()
  #shutdown = false

  constructor(db: DatabaseFacade) {
    this.#db = db
  }

  export(spans: readonly ReadableSpanLike[], resultCallback: (result: ExportResultLike) => void): void {
    if (this.#shutdown) {
      resultCallback({ code: EXPORT_FAILED, error: new Error('ParqueDBSpanExporter: export after shutdown') })
      return
    }
    const write = this.#write(spans).then(resultCallback)
    this.#pending.add(write)
    void write.finally(() => this.#pending.delete(write))
  }

  async #write(spans: readonly ReadableSpanLike[]): Promise<ExportResultLike> {
    try {
      const result = await writeSpans(this.#db, spans.map(recordOfReadableSpan))
      if (result.rejected === 0 && result.problems.length === 0) return { code: EXPORT_SUCCESS }
      return { code: EXPORT_FAILED, error: new Error(`ParqueDBSpanExporter: ${result.rejected} of ${spans.length} spans refused: ${result.problems.join('; ')}`) }
    } catch (error) {
      return { code: EXPORT_FAILED, error: error instanceof Error ? error : new Error(String(error)) }
    }
  }

  /** Resolves once every export handed in so far is written. */
  async forceFlush(): Promise<void> {
    await Promise.all([...this.#pending])
  }

  /** Finishes the exports under way and refuses later ones; the database stays open (it is the caller's). */
  async shutdown(): Promise<void> {
    this.#shutdown = true
    await this.forceFlush()
  }
}
