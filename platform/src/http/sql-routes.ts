import { ParqueDBError } from '@parquedb/mv-core'
import { Hono } from 'hono'
import type { DatabaseFacade } from '../db.ts'
import type { BearerAuth } from './bearer-auth.ts'
import { jsonOfBody } from './ingest-body.ts'
import { jsonResponse } from './json-response.ts'
import { limitBody } from './read-body.ts'
import { sqlTemplate } from './sql-template.ts'

/**
 * `POST /sql` with `{ query, params? }`: one SELECT, `$1, $2, ...` bound to `params` (scope
 * read). Answers `{ rows, meta }` like a view.
 */
export function sqlRoutes(db: DatabaseFacade, auth: BearerAuth, maxBodyBytes: number): Hono {
  const app = new Hono()
  app.post('/', auth.require('read'), limitBody(maxBodyBytes), async (c) => {
    const body = jsonOfBody(await c.req.text(), 'BAD_SQL')
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ParqueDBError('BAD_SQL', 'the body must be a JSON object { "query": "SELECT ...", "params": [...] }')
    const { query, params, ...rest } = body as Record<string, unknown>
    const extra = Object.keys(rest)[0]
    if (extra !== undefined) throw new ParqueDBError('BAD_SQL', `unknown key "${extra}" in the body (expected query, params)`, { key: extra })
    if (typeof query !== 'string' || query.trim() === '') throw new ParqueDBError('BAD_SQL', '"query" must be the SQL text, e.g. "SELECT status, COUNT(*) AS n FROM \\"Order\\" GROUP BY status"')
    if (params !== undefined && !Array.isArray(params)) throw new ParqueDBError('BAD_SQL', '"params" must be a list of values for $1, $2, ...')
    const { strings, values } = sqlTemplate(query, params ?? [])
    const rows = await db.sql(strings, ...values)
    return jsonResponse({ rows, meta: rows.meta })
  })
  return app
}
