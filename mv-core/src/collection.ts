import { badFilter } from './query/bad-filter.ts'
import type { Filter } from './query/types.ts'
import type { CollectionFindOptions, CollectionRows, QueryRoute, QueryRouter } from './routing/query-router.ts'
import type { CollectionSchema, Entity, Row } from './schema/types.ts'
import type { Update } from './table/apply-update.ts'
import { compactTable, type CompactOptions, type CompactResult } from './table/compact-table.ts'
import { findRows } from './table/find-rows.ts'
import { readChanges, type CommittedChange } from './table/read-changes.ts'
import { scanColumns, type ColumnBatch, type ScanOptions } from './table/scan-columns.ts'
import type { LiveChange, Table } from './table/table.ts'
import { vacuumTable, type VacuumOptions, type VacuumResult } from './table/vacuum-table.ts'

/**
 * A collection: the public face of one table.
 *
 * @example
 * const orders = db.collection('Order')
 * const order = await orders.create({ total: 19.99, status: 'new' })
 * await orders.update(order.$id, { $set: { status: 'paid' } })
 * const paid = await orders.find({ status: 'paid' }, { sort: { createdAt: -1 }, limit: 10 })
 */
export class Collection {
  readonly name: string
  readonly schema: CollectionSchema
  readonly table: Table
  readonly #router: (() => QueryRouter | undefined) | undefined

  /** `router` answers finds from covering views and looks up `include`s; a bare table has neither. */
  constructor(table: Table, router?: () => QueryRouter | undefined) {
    this.table = table
    this.schema = table.schema
    this.name = table.schema.name
    this.#router = router
  }

  /** Inserts one entity; resolves once durable, with its `$id`, `createdAt` and `updatedAt`. */
  create(row: Row): Promise<Entity> {
    return this.table.create(row)
  }

  /** Inserts a batch atomically (a bad row rejects the whole batch); resolves once durable. */
  bulkCreate(rows: readonly Row[]): Promise<Entity[]> {
    return this.table.bulkCreate(rows)
  }

  /** `update(id, { status: 'paid' })` or with `$set`, `$unset`, `$inc`, `$push`. */
  update(id: string, update: Update): Promise<Entity> {
    return this.table.update(id, update)
  }

  /** Resolves true if an entity was deleted. */
  delete(id: string): Promise<boolean> {
    return this.table.delete(id)
  }

  get(id: string): Promise<Entity | null> {
    return this.table.get(id)
  }

  /**
   * MongoDB-style filter with sort, limit, skip, project, asOf (time travel) and include
   * (relations to nest: ['customer', 'items.product']). Answered from a view when one covers
   * the query and saves work (see QueryRouter); `rows.meta` says which and why.
   */
  async find(filter?: Filter, options?: CollectionFindOptions): Promise<CollectionRows> {
    const router = this.#router?.()
    if (router !== undefined) return router.find(this.name, filter, options)
    if (options?.include !== undefined) throw badFilter(this.table.label, 'find option "include" needs the database the related collections are in')
    const rows = await findRows(this.table, filter, options)
    const route: QueryRoute = { collection: this.name, servedFrom: 'source', reason: 'a collection outside a database reads its table', candidates: [] }
    return Object.defineProperty(rows, 'meta', { value: Object.freeze(route), enumerable: false }) as CollectionRows
  }

  /** How `find` with these arguments would be answered — from which view, or the source — and why. */
  explain(filter?: Filter, options?: CollectionFindOptions): Promise<QueryRoute> {
    const router = this.#router?.()
    if (router !== undefined) return router.explain(this.name, filter, options)
    return Promise.resolve({ collection: this.name, servedFrom: 'source', reason: 'a collection outside a database reads its table', candidates: [] })
  }

  /** Column batches, for analytics over many rows. */
  scan(options?: ScanOptions): AsyncGenerator<ColumnBatch> {
    return scanColumns(this.table, options)
  }

  /** Committed changes in (fromVersion, toVersion]. */
  changes(fromVersion: number, toVersion?: number): AsyncGenerator<CommittedChange> {
    return readChanges(this.table, fromVersion, toVersion)
  }

  /** Every acknowledged write, in order, as it happens. Returns the unsubscribe function. */
  onChange(listener: (change: LiveChange) => void): () => void {
    return this.table.onChange(listener)
  }

  /** The newest committed version. */
  async version(): Promise<number> {
    return (await this.table.refresh()).version
  }

  /** Storage keys of the live Parquet data files (readable by DuckDB, Spark, Polars...). */
  async files(): Promise<string[]> {
    const snapshot = await this.table.refresh()
    const { prefix } = this.table.internals
    return [...snapshot.files.keys()].map((path) => prefix + path)
  }

  flush(): Promise<void> {
    return this.table.flush()
  }

  compact(options?: CompactOptions): Promise<CompactResult | null> {
    return compactTable(this.table, options)
  }

  vacuum(options?: VacuumOptions): Promise<VacuumResult> {
    return vacuumTable(this.table, options)
  }
}
