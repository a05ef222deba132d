import type { CollectionSchema, Row } from '../schema/types.ts'
import { compileFilter } from './compile-filter.ts'
import { compileProjection } from './project-row.ts'
import { sortRows } from './sort-rows.ts'
import type { Filter, FindOptions } from './types.ts'

/**
 * `find` over rows in memory, with the same filter, sort, skip, limit and projection semantics
 * as a table read: for answers computed on the spot (a view answered from its source).
 *
 * @example
 * queryRows(rows, { status: 'paid' }, { sort: { revenue: -1 }, limit: 10 }, { label: 'view "DailySales"', schema })
 */
export function queryRows(rows: readonly Row[], filter: Filter, options: Omit<FindOptions, 'asOf'>, context: { label: string; schema: CollectionSchema }): Row[] {
  const compiled = compileFilter(filter, context)
  const project = options.project ? compileProjection(options.project, { label: context.label }) : undefined
  let matches = rows.filter((row) => compiled.test(row))
  if (options.sort) matches = sortRows(matches, options.sort, context.label)
  const skip = options.skip ?? 0
  const page = matches.slice(skip, options.limit === undefined ? undefined : skip + options.limit)
  return project ? page.map((row) => project(row)) : page
}
