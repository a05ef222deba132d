import { Hono, type Context } from 'hono'
import { ParqueDBError, type DatabaseFacade } from 'parquedb'
import { decodeOtlpLogs } from './decode-otlp-logs.ts'
import { decodeOtlpTraces } from './decode-otlp-traces.ts'
import { writeLogs, writeSpans } from './otel-writer.ts'
import { OtlpBodyError, readOtlpBody } from './read-otlp-body.ts'

export interface OtlpReceiverOptions {
  /** The database to write to, once it is open (undefined until then). */
  readonly database: () => DatabaseFacade | undefined
  /** Largest body accepted, in bytes, after decompression. */
  readonly maxBodyBytes: number
}

/**
 * The OTLP/HTTP JSON receiver as a hono app: `POST /v1/traces` and `POST /v1/logs`, the paths
 * OTLP exporters post to. Answers as the OTLP spec has it: 200 with `{}` when every record was
 * stored, 200 with `{ partialSuccess: { rejectedSpans | rejectedLogRecords, errorMessage } }` when
 * some could not be, 400 for a malformed request (not JSON, wrong nesting), 413 for a body over
 * the limit, 415 for protobuf, 503 while the database is not open. Error bodies are the API's
 * `{ error: { code, message, details } }`.
 *
 * @example
 * app.route('/plugins/otel', otlpReceiver({ database: () => db, maxBodyBytes: 8 << 20 }))
 */
export function otlpReceiver(options: OtlpReceiverOptions): Hono {
  const receive = async (c: Context, signal: 'traces' | 'logs') => {
    const db = options.database()
    if (db === undefined) return errorBody(c, 503, 'CLOSED', 'the otel plugin is not loaded into an open database yet')
    try {
      const body = await readOtlpBody(c.req.raw, options.maxBodyBytes)
      if (signal === 'traces') {
        const decoded = decodeOtlpTraces(body)
        const written = await writeSpans(db, decoded.records)
        const rejected = decoded.rejected + written.rejected
        return c.json(rejected === 0 ? {} : { partialSuccess: { rejectedSpans: rejected, errorMessage: [...decoded.problems, ...written.problems].join('; ') } })
      }
      const decoded = decodeOtlpLogs(body, Date.now())
      const written = await writeLogs(db, decoded.records)
      const rejected = decoded.rejected + written.rejected
      return c.json(rejected === 0 ? {} : { partialSuccess: { rejectedLogRecords: rejected, errorMessage: [...decoded.problems, ...written.problems].join('; ') } })
    } catch (error) {
      if (error instanceof OtlpBodyError) return errorBody(c, error.status, error.status === 413 ? 'PAYLOAD_TOO_LARGE' : error.status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'BAD_REQUEST', error.message)
      if (ParqueDBError.isInstance(error, 'VALIDATION')) return errorBody(c, 400, 'VALIDATION', error.message, error.details)
      // 503 is what OTLP exporters retry on; a closed database may be reopened.
      if (ParqueDBError.isInstance(error, 'CLOSED')) return errorBody(c, 503, 'CLOSED', error.message)
      throw error
    }
  }
  return new Hono().post('/v1/traces', (c) => receive(c, 'traces')).post('/v1/logs', (c) => receive(c, 'logs'))
}

function errorBody(c: Context, status: 400 | 413 | 415 | 503, code: string, message: string, details: Readonly<Record<string, unknown>> = {}): Response {
  return c.json({ error: { code, message: message.startsWith('[parquedb]') ? message : `[parquedb] ${message}`, details } }, status)
}
