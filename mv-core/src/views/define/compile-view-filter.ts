import { ParqueDBError } from '../../errors.ts'
import { compileFilter } from '../../query/compile-filter.ts'
import type { CompiledFilter, Filter } from '../../query/types.ts'
import type { CollectionSchema } from '../../schema/types.ts'

/**
 * Compiles a view's `$filter` against its source schema (unknown fields are errors, literals are
 * coerced to the column kinds). compileFilter's BAD_FILTER errors come back as SCHEMA errors of
 * the view: `view "WorkerErrors": $filter: unknown field "outcom" (...)`, with the field path in
 * `details.key`.
 *
 * @example
 * compileViewFilter('WorkerErrors', { outcome: { $ne: 'ok' } }, tailEvents)?.test({ outcome: 'exception' }) // true
 */
export function compileViewFilter(view: string, filter: unknown, schema: CollectionSchema): CompiledFilter | undefined {
  if (filter === undefined) return undefined
  const label = `view "${view}"`
  try {
    return compileFilter(filter as Filter, { label, schema })
  } catch (error) {
    if (!ParqueDBError.isInstance(error)) throw error
    // compileFilter says `<label>: filter[ <where>]: <problem>`; say `$filter: [<where>: ]<problem>`.
    const message = error.message.replace(/^\[parquedb\] /, '')
    const prefix = `${label}: filter`
    const rest = message.startsWith(prefix) ? message.slice(prefix.length).replace(/^:? /, '') : message
    // The field path goes in details only: the problem text names it already.
    const key = typeof error.details.path === 'string' ? error.details.path : undefined
    throw new ParqueDBError('SCHEMA', `view "${view}": $filter: ${rest}`, { ...error.details, view, directive: '$filter', key }, { cause: error })
  }
}

