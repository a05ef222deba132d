import type { MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { httpError } from './http-error.ts'

/** 1 MiB unless the app is given another limit. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024

/**
 * Refuses a body over `maxBytes` with 413 before it is parsed: by Content-Length when the client
 * sends one, else while streaming it in (hono's bodyLimit), so a huge body is never buffered.
 */
export function limitBody(maxBytes: number): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => httpError(413, 'PAYLOAD_TOO_LARGE', `the request body is larger than ${maxBytes} bytes (the server's maxBodyBytes)`, { maxBodyBytes: maxBytes }),
  })
}
