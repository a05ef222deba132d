import type { Evalite } from 'evalite'
import type { Filter, FindOptions } from 'parquedb'

/**
 * evalite's `getMany` options as ParqueDB finds, with the semantics of evalite's sqlite storage:
 * an empty id list, an empty status list, an empty name and a zero limit filter nothing; runs
 * and evals come newest first unless told otherwise; results and traces in `col_order`; ties
 * are broken by id, in the direction asked for, so the newest of one instant comes first.
 */
export interface EvaliteQuery {
  readonly filter: Filter
  readonly options: FindOptions
}

type Direction = 1 | -1
type Sort = NonNullable<FindOptions['sort']>

export function runsQuery(opts: Evalite.Storage.Runs.GetManyOpts = {}): EvaliteQuery {
  const filter: Record<string, unknown> = { ...idsIn('runId', opts.ids), ...createdFilter(opts) }
  if (opts.runType) filter.runType = opts.runType
  const direction = directionOf(opts.orderDirection)
  const sort: Sort = opts.orderBy === 'id' ? { runId: direction } : { timestamp: direction, runId: direction }
  return { filter, options: { sort, ...limitOf(opts.limit) } }
}

export function evalsQuery(opts: Evalite.Storage.Evals.GetManyOpts = {}): EvaliteQuery {
  const filter: Record<string, unknown> = { ...idsIn('evalId', opts.ids), ...idsIn('runId', opts.runIds), ...createdFilter(opts) }
  if (opts.name) filter.name = opts.name
  if (opts.statuses && opts.statuses.length > 0) filter.status = { $in: [...opts.statuses] }
  const direction = directionOf(opts.orderDirection)
  const sort: Sort =
    opts.orderBy === 'id' ? { evalId: direction } : opts.orderBy === 'name' ? { name: direction, evalId: direction } : { timestamp: direction, evalId: direction }
  return { filter, options: { sort, ...limitOf(opts.limit) } }
}

export function resultsQuery(opts: Evalite.Storage.Results.GetManyOpts = {}): EvaliteQuery {
  const filter: Record<string, unknown> = { ...idsIn('resultId', opts.ids), ...idsIn('evalId', opts.evalIds) }
  if (opts.order !== undefined) filter.order = opts.order
  if (opts.statuses && opts.statuses.length > 0) filter.status = { $in: [...opts.statuses] }
  return { filter, options: { sort: { order: 1, resultId: 1 } } }
}

export function scoresQuery(opts: Evalite.Storage.Scores.GetManyOpts = {}): EvaliteQuery {
  // Rows written by hand in the seeds' shape (no scoreId) are analytics data, not evalite's.
  return { filter: { scoreId: { $exists: true }, ...idsIn('scoreId', opts.ids), ...idsIn('resultId', opts.resultIds) }, options: { sort: { scoreId: 1 } } }
}

export function tracesQuery(opts: Evalite.Storage.Traces.GetManyOpts = {}): EvaliteQuery {
  return { filter: { ...idsIn('traceId', opts.ids), ...idsIn('resultId', opts.resultIds) }, options: { sort: { order: 1, traceId: 1 } } }
}

/**
 * `created_at` comes back to the adapter as the ISO strings it handed out (the UI sends them as
 * `?timestamp=`); a string without an offset, sqlite's CURRENT_TIMESTAMP form, is UTC as there.
 * A string that is no instant matches nothing, as it matches no row in sqlite.
 */
export function instantOf(text: string): Date {
  const hasZone = /(?:[zZ]|[+-]\d\d:?\d\d)$/.test(text)
  return new Date(Date.parse(hasZone ? text : `${text.replace(' ', 'T')}Z`))
}

function createdFilter(opts: { createdAt?: string; createdAfter?: string; createdBefore?: string }): Filter {
  const bounds: Record<string, Date> = {}
  if (opts.createdAt) bounds.$eq = instantOf(opts.createdAt)
  if (opts.createdAfter) bounds.$gt = instantOf(opts.createdAfter)
  if (opts.createdBefore) bounds.$lt = instantOf(opts.createdBefore)
  const values = Object.values(bounds)
  if (values.length === 0) return {}
  // An invalid instant: nothing can match (a filter on NaN would throw instead).
  if (values.some((date) => Number.isNaN(date.getTime()))) return { timestamp: { $in: [] } }
  return { timestamp: bounds }
}

function idsIn(field: string, ids: readonly number[] | undefined): Filter {
  return ids && ids.length > 0 ? { [field]: { $in: [...ids] } } : {}
}

function directionOf(direction: 'asc' | 'desc' | undefined): Direction {
  return direction === 'asc' ? 1 : -1
}

function limitOf(limit: number | undefined): { limit?: number } {
  return limit ? { limit } : {}
}
