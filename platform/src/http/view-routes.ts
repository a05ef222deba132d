import { ParqueDBError } from '@parquedb/mv-core'
import { Hono } from 'hono'
import type { DatabaseFacade } from '../db.ts'
import type { BearerAuth } from './bearer-auth.ts'
import { withEntryHint } from './entry-hint.ts'
import { findAnswer, findQueryFromBody, findQueryFromParams, type FindQuery } from './find-query.ts'
import { jsonOfBody } from './ingest-body.ts'
import { jsonResponse } from './json-response.ts'
import { limitBody } from './read-body.ts'

const DEFAULT_HISTORY_LIMIT = 50

/**
 * `/views`: the list with state and lag, each view's rows (`{ rows, meta }`, `meta` its
 * freshness: servedFrom, asOf, lagVersions, lagMs, stale), state and refresh history (scope
 * read); refresh and drop (scope admin).
 */
export function viewRoutes(db: DatabaseFacade, auth: BearerAuth, maxBodyBytes: number): Hono {
  const app = new Hono()
  const hinted = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run()
    } catch (error) {
      throw await withEntryHint(db, name, error)
    }
  }
  const find = (name: string, query: FindQuery) =>
    hinted(name, async () => {
      const rows = await db.view(name).find(query.filter, query.options)
      return jsonResponse(findAnswer(rows, query))
    })

  app.get('/', auth.require('read'), async () => jsonResponse({ views: await db.listViews() }))

  app.get('/:name', auth.require('read'), (c) => find(c.req.param('name'), findQueryFromParams(new URL(c.req.url).searchParams, 'view')))

  app.post('/:name/query', auth.require('read'), limitBody(maxBodyBytes), async (c) =>
    find(c.req.param('name'), findQueryFromBody(jsonOfBody(await c.req.text(), 'BAD_FILTER'), 'view')),
  )

  app.get('/:name/state', auth.require('read'), (c) => hinted(c.req.param('name'), async () => jsonResponse(await db.getViewState(c.req.param('name')))))

  app.get('/:name/history', auth.require('read'), (c) => {
    const name = c.req.param('name')
    const limitText = c.req.query('limit')
    if (limitText !== undefined && !/^\d+$/.test(limitText)) {
      throw new ParqueDBError('BAD_FILTER', `"limit" must be a non-negative integer, got ${JSON.stringify(limitText)}`, { option: 'limit' })
    }
    return hinted(name, async () => {
      await db.getViewState(name) // NOT_FOUND for a name that is no view
      const rows = await db.collection('RefreshHistory').find({ view: name }, { sort: { startedAt: -1 }, limit: limitText === undefined ? DEFAULT_HISTORY_LIMIT : Number(limitText) })
      return jsonResponse({ rows })
    })
  })

  app.post('/:name/refresh', auth.require('admin'), (c) => {
    const name = c.req.param('name')
    const fullText = c.req.query('full')
    if (fullText !== undefined && fullText !== 'true' && fullText !== 'false') {
      throw new ParqueDBError('BAD_FILTER', `"full" must be true or false, got ${JSON.stringify(fullText)}`, { option: 'full' })
    }
    const full = fullText === 'true'
    return hinted(name, async () => {
      await db.refreshView(name, { full })
      return jsonResponse({ refreshed: name, full, state: await db.getViewState(name) })
    })
  })

  app.delete('/:name', auth.require('admin'), (c) => {
    const name = c.req.param('name')
    return hinted(name, async () => {
      await db.dropView(name)
      return jsonResponse({ dropped: name })
    })
  })

  return app
}
