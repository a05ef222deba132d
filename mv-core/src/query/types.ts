import type { Row, StatsByColumn } from '../schema/types.ts'

/** A MongoDB-style filter: `{ outcome: { $ne: 'ok' }, 'exceptions.0.name': 'TypeError' }`. */
export type Filter = Readonly<Record<string, unknown>>

/** A filter validated once into a predicate over rows and a pruning test over statistics. */
export interface CompiledFilter {
  /** Top-level columns the filter reads (for column projection). Empty for `{}`. */
  readonly columns: readonly string[]
  test(row: Row): boolean
  /** False only when no row of a file or row group with these statistics can match. */
  mayMatch(stats: StatsByColumn, rowCount: number): boolean
}

export type SortSpec = Readonly<Record<string, 1 | -1>>
/** A list of fields to keep, or `{ field: 1 }` to keep / `{ field: 0 }` to drop. */
export type Projection = readonly string[] | Readonly<Record<string, 0 | 1>>

export interface FindOptions {
  sort?: SortSpec
  limit?: number
  skip?: number
  project?: Projection
  /** Read the table as of a commit version (number) or an instant (Date). */
  asOf?: number | Date
}

/**
 * A projection compiled by compileProjection: maps a row to its projected copy. `columns` lists
 * the top-level columns an inclusion projection reads ('$id' first when kept); it is undefined
 * when every column is needed (exclusion, or no projection at all).
 */
export interface CompiledProjection {
  (row: Row): Row
  readonly columns: readonly string[] | undefined
}
