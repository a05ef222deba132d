import type { AddressInfo } from 'node:net'
import { createAdaptorServer } from '@hono/node-server'
import { ParqueDBError } from '@parquedb/mv-core'
import type { AuthToken } from '../config.ts'
import type { DatabaseFacade } from '../db.ts'
import { createHttpApp } from '../http/create-http-app.ts'

export interface ServeOptions {
  /** Default 8787; 0 picks a free port (read it back from the result). */
  readonly port?: number
  /** The interface to listen on. Default 127.0.0.1; anything else needs tokens. */
  readonly host?: string
  /** None given (or an empty list): one admin token from `PARQUEDB_TOKEN` when it is set. */
  readonly tokens?: readonly AuthToken[]
  readonly maxBodyBytes?: number
  /** Startup notes and server faults, one line each. */
  readonly log?: (line: string) => void
  /** Where PARQUEDB_TOKEN is read (default: process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>
}

export interface RunningServer {
  /** `http://host:port`, without a trailing slash. */
  readonly url: string
  readonly port: number
  /** Stops accepting connections and waits for open ones to end (safe to call twice); the database stays open. */
  close(): Promise<void>
}

export const DEFAULT_PORT = 8787
const LOOPBACK = '127.0.0.1'

/**
 * Serves the HTTP API (`createHttpApp`) on Node. Tokens come from `options.tokens`, else
 * `PARQUEDB_TOKEN` is one admin token. With no token at all the API is open, so it listens on
 * loopback only: a non-loopback `host` is refused, naming it.
 *
 * @example
 * const server = await serve(db, { port: 0 })
 * await fetch(`${server.url}/views`)
 * await server.close()
 */
export async function serve(db: DatabaseFacade, options: ServeOptions = {}): Promise<RunningServer> {
  const log = options.log ?? (() => undefined)
  const envToken = (options.env ?? process.env).PARQUEDB_TOKEN
  // An empty list falls back too: a set PARQUEDB_TOKEN must never leave the API open.
  const tokens = options.tokens?.length ? options.tokens : envToken === undefined || envToken === '' ? [] : [{ token: envToken, scopes: ['admin'] as const, name: 'PARQUEDB_TOKEN' }]
  const port = options.port ?? DEFAULT_PORT
  if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) throw new ParqueDBError('SCHEMA', `serve: port must be an integer from 0 to 65535, got ${String(port)}`)
  // '[::1]' as written in URLs; listen() wants the bare address.
  let host = (options.host ?? LOOPBACK).replace(/^\[(.*)\]$/, '$1')
  if (tokens.length === 0) {
    if (!isLoopback(host)) {
      throw new ParqueDBError('SCHEMA', `serve: refusing to listen on "${host}" without tokens: the API would be open to the network. Configure auth.tokens or set PARQUEDB_TOKEN, or listen on 127.0.0.1`, { host })
    }
    host = host === 'localhost' ? LOOPBACK : host
  }
  const app = createHttpApp(db, { tokens, ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }), log })
  const server = createAdaptorServer({ fetch: app.fetch, hostname: host })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`
  if (tokens.length === 0) log(`parquedb: the HTTP API at ${url} is unauthenticated and listens on loopback only (set PARQUEDB_TOKEN or auth.tokens to require tokens)`)
  else log(`parquedb: the HTTP API at ${url} requires a bearer token (${tokens.length} configured)`)
  let closing: Promise<void> | undefined
  return {
    url,
    port: address.port,
    close: () =>
      (closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        // Idle keep-alive connections would hold close() open until their clients hang up.
        if ('closeIdleConnections' in server) server.closeIdleConnections()
      })),
  }
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host)
}
