import { ParqueDBError } from '@parquedb/mv-core'
import type { Plugin } from './plugin.ts'
import type { SchemaInput } from './schema-types.ts'
import type { StorageConfig } from './storage-config.ts'

/** What a bearer token may do: read (queries, view state), ingest (writes), admin (everything, refresh and drop views). */
export type Scope = 'read' | 'ingest' | 'admin'
export const SCOPES: readonly Scope[] = ['read', 'ingest', 'admin']

export interface AuthToken {
  readonly token: string
  readonly scopes: readonly Scope[]
  /** For logs: which client this is. */
  readonly name?: string
}

/** `parquedb.config.ts`: how `parquedb serve` (and the other commands) open the database. */
export interface ParqueDBConfig {
  /** Default: `{ type: 'fs', path: './data' }`. */
  readonly storage?: StorageConfig
  readonly plugins?: readonly Plugin[]
  /** The user's own collections and views, beside the plugins'. */
  readonly schema?: SchemaInput
  readonly auth?: { readonly tokens?: readonly AuthToken[] }
  readonly server?: { readonly port?: number; readonly host?: string; readonly maxBodyBytes?: number }
}

/**
 * Checks a configuration where it is written (`export default defineConfig({ ... })` in
 * `parquedb.config.ts`). Errors name the key at fault.
 *
 * @example
 * export default defineConfig({ storage: { type: 'fs', path: './data' }, plugins: [tail()], auth: { tokens: [{ token: process.env.PARQUEDB_TOKEN!, scopes: ['admin'] }] } })
 */
export function defineConfig(config: ParqueDBConfig): ParqueDBConfig {
  const fail = (message: string) => new ParqueDBError('SCHEMA', `parquedb config: ${message}`)
  if (typeof config !== 'object' || config === null) throw fail('expected an object such as { storage, plugins, auth, server }')
  const known = new Set(['storage', 'plugins', 'schema', 'auth', 'server'])
  for (const key of Object.keys(config)) if (!known.has(key)) throw fail(`unknown key "${key}" (expected ${[...known].join(', ')})`)
  if (config.plugins !== undefined && !Array.isArray(config.plugins)) throw fail('plugins must be a list of definePlugin(...) results')
  for (const [index, token] of (config.auth?.tokens ?? []).entries()) {
    if (typeof token?.token !== 'string' || token.token.length < 16) throw fail(`auth.tokens[${index}]: a token must be a string of at least 16 characters`)
    if (!Array.isArray(token.scopes) || token.scopes.length === 0 || token.scopes.some((scope) => !SCOPES.includes(scope))) {
      throw fail(`auth.tokens[${index}]: scopes must list some of ${SCOPES.join(', ')}`)
    }
  }
  const port = config.server?.port
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) throw fail(`server.port must be an integer from 0 to 65535, got ${String(port)}`)
  const maxBodyBytes = config.server?.maxBodyBytes
  if (maxBodyBytes !== undefined && !(Number.isInteger(maxBodyBytes) && maxBodyBytes > 0)) throw fail('server.maxBodyBytes must be a positive integer')
  return Object.freeze({ ...config })
}
