import { ParqueDBError } from '@parquedb/mv-core'
import { Hono } from 'hono'
import type { DatabaseFacade } from '../db.ts'
import type { BearerAuth } from './bearer-auth.ts'
import { isView, withEntryHint } from './entry-hint.ts'
import { findAnswer, findQueryFromBody, findQueryFromParams, type FindQuery } from './find-query.ts'
import { httpError } from './http-error.ts'
import { jsonOfBody, rowsOfBody } from './ingest-body.ts'
import { jsonResponse } from './json-response.ts'
import { limitBody } from './read-body.ts'

/** Written only by the engine: a row posted here would forge a refresh. */
const SYSTEM_COLLECTIONS = new Set(['RefreshHistory'])

/**
 * `/collections/:name`: ingest (POST, scope ingest) and queries (GET, or POST `.../query` with
 * the query as JSON; scope read). Query answers are `{ rows, meta }`, `meta` saying whether a
 * view or the source answered and why.
 */
export function collectionRoutes(db: DatabaseFacade, auth: BearerAuth, maxBodyBytes: number): Hono {
  const app = new Hono()

  app.post('/:name', auth.require('ingest'), limitBody(maxBodyBytes), async (c) => {
    const name = c.req.param('name')
    if (SYSTEM_COLLECTIONS.has(name)) {
      return httpError(405, 'METHOD_NOT_ALLOWED', `"${name}" is a system collection, written by the database only`, { collection: name }, { allow: 'GET' })
    }
    const rows = rowsOfBody(await c.req.text(), c.req.header('content-type'))
    try {
      const created = await db.collection(name).bulkCreate(rows as Record<string, unknown>[])
      return jsonResponse({ inserted: created.length, ids: created.map((row) => row.$id) }, 201)
    } catch (error) {
      // Looked up only on failure: listing the views on every write would cost each ingest.
      if (ParqueDBError.isInstance(error, 'UNKNOWN_COLLECTION') && (await isView(db, name))) {
        return httpError(405, 'METHOD_NOT_ALLOWED', `"${name}" is a view: views are read-only (write to the collection it reads; query it at /views/${name})`, { view: name }, { allow: 'GET' })
      }
      throw error
    }
  })

  const find = async (name: string, query: FindQuery) => {
    try {
      const rows = await db.collection(name).find(query.filter, query.options)
      return jsonResponse(findAnswer(rows, query))
    } catch (error) {
      throw await withEntryHint(db, name, error)
    }
  }

  app.get('/:name', auth.require('read'), (c) => find(c.req.param('name'), findQueryFromParams(new URL(c.req.url).searchParams, 'collection')))

  app.post('/:name/query', auth.require('read'), limitBody(maxBodyBytes), async (c) =>
    find(c.req.param('name'), findQueryFromBody(jsonOfBody(await c.req.text(), 'BAD_FILTER'), 'collection')),
  )

  return app
}
