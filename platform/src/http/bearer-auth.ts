import { ParqueDBError } from '@parquedb/mv-core'
import type { MiddlewareHandler } from 'hono'
import { SCOPES, type AuthToken, type Scope } from '../config.ts'
import { httpError } from './http-error.ts'

/** What each route group asks of a token; `admin` implies the others. */
export interface BearerAuth {
  /** Middleware letting through requests whose token holds `scope` (everything, when no tokens are configured). */
  require(scope: Scope | ((method: string) => Scope)): MiddlewareHandler
  /** False when no tokens are configured: every request is let through. */
  readonly enabled: boolean
}

const MIN_TOKEN_LENGTH = 16
const encoder = new TextEncoder()

/**
 * Bearer-token checks for the API. Tokens are compared as SHA-256 digests (Web Crypto, so it
 * runs on Workers too) with a loop that touches every byte of every configured token whatever
 * matches, so response time says nothing about how close a guess was. Missing or unknown tokens
 * get 401 with `WWW-Authenticate: Bearer`; a known token without the scope gets 403.
 *
 * @example
 * const auth = bearerAuth([{ token: process.env.PARQUEDB_TOKEN!, scopes: ['admin'] }])
 * app.post('/views/:name/refresh', auth.require('admin'), handler)
 */
export function bearerAuth(tokens: readonly AuthToken[] = []): BearerAuth {
  tokens.forEach(checkToken)
  let digests: Promise<Uint8Array[]> | undefined
  const known = () => (digests ??= Promise.all(tokens.map((entry) => sha256(entry.token))))

  const find = async (presented: string): Promise<AuthToken | undefined> => {
    const digest = await sha256(presented)
    let found = -1
    for (const [index, candidate] of (await known()).entries()) {
      if (sameBytes(digest, candidate)) found = index
    }
    return found === -1 ? undefined : tokens[found]
  }

  return {
    enabled: tokens.length > 0,
    require: (scope) => async (c, next) => {
      if (tokens.length === 0) return next()
      const needed = typeof scope === 'function' ? scope(c.req.method) : scope
      const presented = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(c.req.header('authorization') ?? '')?.[1]
      if (presented === undefined) {
        return httpError(401, 'UNAUTHORIZED', 'this route needs a bearer token: send "Authorization: Bearer <token>"', {}, { 'www-authenticate': 'Bearer realm="parquedb"' })
      }
      const token = await find(presented)
      if (token === undefined) {
        return httpError(401, 'UNAUTHORIZED', 'unknown bearer token', {}, { 'www-authenticate': 'Bearer realm="parquedb", error="invalid_token"' })
      }
      if (!token.scopes.includes(needed) && !token.scopes.includes('admin')) {
        const name = token.name === undefined ? 'the token' : `token "${token.name}"`
        return httpError(403, 'FORBIDDEN', `${name} lacks the "${needed}" scope this route needs`, { scope: needed }, { 'www-authenticate': `Bearer realm="parquedb", error="insufficient_scope", scope="${needed}"` })
      }
      return next()
    },
  }
}

function checkToken(entry: AuthToken, index: number): void {
  const fail = (message: string) => new ParqueDBError('SCHEMA', `auth.tokens[${index}]${entry?.name === undefined ? '' : ` ("${entry.name}")`}: ${message}`, { index })
  if (typeof entry?.token !== 'string' || entry.token.length < MIN_TOKEN_LENGTH) throw fail(`a token must be a string of at least ${MIN_TOKEN_LENGTH} characters`)
  if (/\s/.test(entry.token)) throw fail('a token cannot contain whitespace (it is sent in a header)')
  if (!Array.isArray(entry.scopes) || entry.scopes.length === 0 || entry.scopes.some((scope) => !SCOPES.includes(scope))) {
    throw fail(`scopes must list some of ${SCOPES.join(', ')}`)
  }
}

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)))
}

/** Equal-length digests compared without an early exit. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  let difference = a.length ^ b.length
  for (let index = 0; index < a.length; index++) difference |= (a[index] ?? 0) ^ (b[index] ?? 0)
  return difference === 0
}
