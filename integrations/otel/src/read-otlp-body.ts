import { ParqueDBError } from 'parquedb'

/** Why a body cannot be read: the HTTP status the receiver answers with, and the message. */
export class OtlpBodyError extends Error {
  readonly status: 400 | 413 | 415

  constructor(status: 400 | 413 | 415, message: string) {
    super(message)
    this.name = 'OtlpBodyError'
    this.status = status
  }
}

/**
 * The JSON of an OTLP/HTTP request: `application/json` only (protobuf bodies get 415 naming the
 * setting to change), gzip-encoded or not (exporters gzip when OTEL_EXPORTER_OTLP_COMPRESSION
 * says so), at most `maxBytes` once decompressed, counted while streaming so a large body is
 * never held whole. Invalid JSON is a VALIDATION error.
 *
 * @example
 * const body = await readOtlpBody(c.req.raw, 8 * 1024 * 1024)
 */
export async function readOtlpBody(request: Request, maxBytes: number): Promise<unknown> {
  const type = (request.headers.get('content-type') ?? 'application/json').split(';')[0]?.trim().toLowerCase()
  if (type !== 'application/json') {
    throw new OtlpBodyError(415, `OTLP over HTTP is accepted as JSON (Content-Type: application/json), got "${type}"; set OTEL_EXPORTER_OTLP_PROTOCOL=http/json or use the http exporter, not the proto one`)
  }
  const encoding = (request.headers.get('content-encoding') ?? 'identity').trim().toLowerCase()
  if (encoding !== 'identity' && encoding !== 'gzip') throw new OtlpBodyError(415, `Content-Encoding "${encoding}" is not supported (send gzip or none)`)
  if (request.body === null) return parse('')
  const stream = encoding === 'gzip' ? request.body.pipeThrough(new DecompressionStream('gzip')) : request.body
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    for await (const chunk of stream) {
      size += chunk.byteLength
      if (size > maxBytes) throw new OtlpBodyError(413, `the request body is larger than ${maxBytes} bytes (otel({ maxBodyBytes }))`)
      chunks.push(chunk)
    }
  } catch (error) {
    if (error instanceof OtlpBodyError) throw error
    throw new OtlpBodyError(400, `the request body could not be read${encoding === 'gzip' ? ' as gzip' : ''}: ${error instanceof Error ? error.message : String(error)}`)
  }
  const bytes = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return parse(new TextDecoder().decode(bytes))
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new ParqueDBError('VALIDATION', `OTLP request: the body is not JSON: ${error instanceof Error ? error.message : String(error)}`)
  }
}
