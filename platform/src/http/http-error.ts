import { ParqueDBError, type ErrorCode } from '@parquedb/mv-core'
import { HTTPException } from 'hono/http-exception'
import { jsonResponse } from './json-response.ts'

/** The status each engine error code maps to; codes not listed are server faults (500). */
const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  VALIDATION: 400,
  BAD_FILTER: 400,
  BAD_SQL: 400,
  SCHEMA: 400,
  NOT_FOUND: 404,
  UNKNOWN_COLLECTION: 404,
  CONFLICT: 409,
  CLOSED: 503,
}

/** The HTTP status for an engine error code. */
export function httpStatusOf(code: ErrorCode): number {
  return STATUS_BY_CODE[code] ?? 500
}

/**
 * The API's error body, `{ error: { code, message, details } }`, for any thrown value: engine
 * errors keep their code, message and details; hono's HTTP exceptions keep their status; anything
 * else is a 500 that says only "internal error" (the stack goes to `log`, never to the client).
 *
 * @example
 * app.onError((error) => errorResponse(error, console.error))
 */
export function errorResponse(error: unknown, log?: (line: string) => void): Response {
  if (ParqueDBError.isInstance(error)) {
    const status = httpStatusOf(error.code)
    if (status === 500) log?.(`parquedb http: ${error.code}: ${error.message}`)
    return jsonResponse({ error: { code: error.code, message: error.message, details: error.details } }, status)
  }
  if (error instanceof HTTPException) {
    return jsonResponse({ error: { code: codeOfStatus(error.status), message: error.message || statusText(error.status), details: {} } }, error.status)
  }
  log?.(`parquedb http: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
  return jsonResponse({ error: { code: 'INTERNAL', message: 'internal error', details: {} } }, 500)
}

/** An error response built here rather than thrown by the engine (401, 403, 405, 413...). */
export function httpError(status: number, code: string, message: string, details: Readonly<Record<string, unknown>> = {}, headers: Readonly<Record<string, string>> = {}): Response {
  return jsonResponse({ error: { code, message: `[parquedb] ${message}`, details } }, status, headers)
}

function codeOfStatus(status: number): string {
  if (status === 413) return 'PAYLOAD_TOO_LARGE'
  if (status === 401) return 'UNAUTHORIZED'
  if (status === 403) return 'FORBIDDEN'
  if (status === 404) return 'NOT_FOUND'
  return status >= 500 ? 'INTERNAL' : 'BAD_REQUEST'
}

function statusText(status: number): string {
  return status >= 500 ? 'internal error' : `HTTP ${status}`
}
