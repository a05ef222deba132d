import { ParqueDBError } from '../errors.ts'
import { compileFilter } from '../query/compile-filter.ts'
import type { Filter } from '../query/types.ts'
import type { Row } from '../schema/types.ts'
import { materializeRow } from '../schema/variant-text.ts'
import type { ReadView } from './read-view.ts'
import type { Table } from './table.ts'

/** A slice of a table as columns: `columns[name][i]` is row i's value. */
export interface ColumnBatch {
  rowCount: number
  columns: Record<string, ArrayLike<unknown>>
}

export interface ScanOptions {
  /** Columns to read (default: all stored columns). */
  columns?: readonly string[]
  filter?: Filter
  asOf?: number | Date
  /**
   * Timestamp columns to return as epoch milliseconds (numbers) rather than Dates, which is
   * markedly cheaper over millions of rows.
   */
  millis?: readonly string[]
}

/**
 * Streams a table as column batches, one per Parquet row group, then one for the memtable.
 * Values are read as column chunks; no row objects are built unless a filter or pending
 * updates need per-row decisions.
 *
 * @example
 * for await (const batch of scanColumns(table, { columns: ['wallTime'] })) total += batch.rowCount
 */
export async function* scanColumns(table: Table, options: ScanOptions = {}): AsyncGenerator<ColumnBatch> {
  yield* scanColumnsIn(table, await table.view(options.asOf), options)
}

/** scanColumns over a view of the table captured beforehand (a consistent point chosen by the caller). */
export async function* scanColumnsIn(table: Table, view: ReadView, options: Omit<ScanOptions, 'asOf'> = {}): AsyncGenerator<ColumnBatch> {
  const { schema, label } = table
  const columns = options.columns ? [...options.columns] : schema.columns.map((column) => column.name)
  for (const name of columns) {
    if (!schema.columns.some((column) => column.name === name)) {
      throw new ParqueDBError('BAD_FILTER', `${label}: scan: unknown column "${name}"`, { field: name })
    }
  }
  const filter = options.filter && Object.keys(options.filter).length > 0 ? compileFilter(options.filter, { label, schema }) : undefined
  const millis = options.millis && options.millis.length > 0 ? new Set(options.millis) : undefined
  for (const name of millis ?? []) {
    if (schema.columns.find((column) => column.name === name)?.kind !== 'timestamp') {
      throw new ParqueDBError('BAD_FILTER', `${label}: scan: millis: "${name}" is not a timestamp column`, { field: name })
    }
  }
  const needsRowCheck = filter !== undefined || view.shadowed.size > 0
  const readColumns = needsRowCheck ? [...new Set([...columns, '$id', ...(filter?.columns ?? [])])] : columns

  for (const file of view.snapshot.files.values()) {
    if (filter && !filter.mayMatch(file.stats, file.rows)) continue
    for await (const batch of table.reader.readColumns(file.path, file.bytes, { columns: readColumns, filter, millis })) {
      if (!needsRowCheck) {
        yield batch
        continue
      }
      const keep: number[] = []
      const ids = batch.columns.$id as ArrayLike<string>
      for (let index = 0; index < batch.rowCount; index++) {
        if (view.shadowed.has(ids[index] as string)) continue
        if (filter && !filter.test(rowAt(batch.columns, filter.columns, index, millis))) continue
        keep.push(index)
      }
      if (keep.length > 0) yield select(batch.columns, columns, keep)
    }
  }
  const materialized = view.pending.map((row) => materializeRow(schema, row))
  const pending = filter ? materialized.filter((row) => filter.test(row)) : materialized
  if (pending.length > 0) yield fromRows(pending, columns, millis)
}

/** A row of the filter's columns (instants as Dates again, which is what filters compare). */
function rowAt(columns: ColumnBatch['columns'], names: readonly string[], index: number, millis: ReadonlySet<string> | undefined): Row {
  const row: Row = {}
  for (const name of names) {
    const value = columns[name]?.[index]
    row[name] = millis?.has(name) && typeof value === 'number' ? new Date(value) : value
  }
  return row
}

function select(columns: ColumnBatch['columns'], names: readonly string[], indexes: readonly number[]): ColumnBatch {
  const selected: ColumnBatch['columns'] = {}
  for (const name of names) {
    const source = columns[name] as ArrayLike<unknown>
    selected[name] = indexes.map((index) => source[index])
  }
  return { rowCount: indexes.length, columns: selected }
}

function fromRows(rows: readonly Row[], names: readonly string[], millis: ReadonlySet<string> | undefined): ColumnBatch {
  const columns: ColumnBatch['columns'] = {}
  for (const name of names) {
    columns[name] = millis?.has(name) ? rows.map((row) => (row[name] instanceof Date ? row[name].getTime() : null)) : rows.map((row) => row[name] ?? null)
  }
  return { rowCount: rows.length, columns }
}
