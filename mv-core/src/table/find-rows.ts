import { ParqueDBError } from '../errors.ts'
import { compileFilter } from '../query/compile-filter.ts'
import { validateFindOptions } from '../query/find-options.ts'
import { compileProjection } from '../query/project-row.ts'
import { sortRows, topK } from '../query/sort-rows.ts'
import type { Filter, FindOptions, SortSpec } from '../query/types.ts'
import type { Entity, Row } from '../schema/types.ts'
import { materializeRow, variantColumns } from '../schema/variant-text.ts'
import type { ReadView } from './read-view.ts'
import type { Table } from './table.ts'

/**
 * `find` on a table. Plans before reading: files and row groups whose statistics rule the filter
 * out are skipped, only the columns the filter, sort and projection need are fetched, and with
 * a limit and no sort reading stops as soon as enough rows are found. With sort and limit only
 * the best `skip + limit` rows are kept while scanning (top-k).
 *
 * @example
 * await findRows(table, { outcome: { $ne: 'ok' } }, { sort: { eventTimestamp: -1 }, limit: 20 })
 */
export async function findRows(table: Table, filter: Filter = {}, options: FindOptions = {}): Promise<Entity[]> {
  validateFindOptions(options, table.label)
  return findRowsIn(table, await table.view(options.asOf), filter, options)
}

/** findRows over a view of the table captured beforehand (a consistent point chosen by the caller). */
export async function findRowsIn(table: Table, view: ReadView, filter: Filter = {}, options: FindOptions = {}): Promise<Entity[]> {
  const { label, schema } = table
  const compiled = compileFilter(filter, { label, schema })
  const project = options.project ? compileProjection(options.project, { label }) : undefined
  const skip = options.skip ?? 0
  const wanted = options.limit === undefined ? Number.POSITIVE_INFINITY : skip + options.limit
  // '$id' always: pending updates and deletes hide file rows by id.
  const columns = project?.columns && [...new Set(['$id', ...project.columns, ...compiled.columns, ...Object.keys(options.sort ?? {}).map(topLevel)])]

  // Rows come in stored form (variants as JSON text) from files and memtable alike; a row's
  // variants are parsed only if the filter reads them or the row is kept.
  const variants = new Set(variantColumns(schema).map((column) => column.name))
  const testsVariants = compiled.columns.some((column) => variants.has(column))
  const matches = collector(options.sort, wanted)
  const consider = (stored: Row) => {
    if (testsVariants) {
      const row = materializeRow(schema, stored)
      if (compiled.test(row)) matches.add(row)
    } else if (compiled.test(stored)) {
      matches.add(materializeRow(schema, stored))
    }
  }
  for (const file of view.snapshot.files.values()) {
    if (matches.full()) break
    if (!compiled.mayMatch(file.stats, file.rows)) continue
    const rows = await readOrExpire(table, file.path, file.bytes, columns, compiled, options.asOf)
    for (const row of rows) {
      if (view.shadowed.has(row.$id as string)) continue
      consider(row)
      if (matches.full()) break
    }
  }
  for (const stored of view.pending) {
    if (matches.full()) break
    consider(stored)
  }
  const page = matches.result().slice(skip, wanted)
  return (project ? page.map((row) => project(row)) : page) as Entity[]
}

function topLevel(path: string): string {
  return path.split('.')[0] as string
}

async function readOrExpire(
  table: Table,
  path: string,
  bytes: number,
  columns: string[] | undefined,
  filter: ReturnType<typeof compileFilter>,
  asOf: FindOptions['asOf'],
): Promise<Row[]> {
  try {
    return await table.reader.readRows(path, bytes, { columns, filter, variantText: true })
  } catch (error) {
    if (asOf !== undefined && ParqueDBError.isInstance(error, 'NOT_FOUND')) {
      throw new ParqueDBError('EXPIRED', `${table.label}: the data as of ${String(asOf instanceof Date ? asOf.toISOString() : asOf)} was vacuumed`, { asOf: String(asOf) }, { cause: error })
    }
    throw error
  }
}

/** Keeps matches: all of them, the first `wanted` (no sort), or the best `wanted` (sort). */
function collector(sort: SortSpec | undefined, wanted: number) {
  let rows: Row[] = []
  const bounded = sort !== undefined && Number.isFinite(wanted)
  return {
    add(row: Row) {
      rows.push(row)
      // Trim in chunks so top-k costs O(n log k) without a heap per row.
      if (bounded && rows.length >= Math.max(1024, wanted * 4)) rows = topK(rows, sort, wanted)
    },
    full: () => sort === undefined && rows.length >= wanted,
    result: () => (sort === undefined ? rows : bounded ? topK(rows, sort, wanted) : sortRows(rows, sort)),
  }
}
