import type { CollectionSchema, Entity, Row } from '../schema/types.ts'
import type { StorageDriver } from '../storage/types.ts'
import type { ParquetEncoder } from '../parquet/encoder.ts'
import type { Filter, FindOptions } from '../query/types.ts'
import { findRows } from '../table/find-rows.ts'
import { Table } from '../table/table.ts'
import { memoryWal } from '../wal/memory.ts'
import { ParqueDBError } from '../errors.ts'
import { parseViews } from './define/parse-view.ts'
import { MaterializedView, type ViewState } from './materialized-view.ts'
import type { FetchRelated } from './pipeline/load-related.ts'

export interface ViewSetOptions {
  storage: StorageDriver
  /** The collections' tables by name. */
  collections: ReadonlyMap<string, Table>
  /** Raw view definitions by name (entries of the schema with `$from`). */
  definitions: ReadonlyMap<string, unknown>
  writerId: string
  encoder?: ParquetEncoder
}

interface ViewMeta {
  name: string
  hash: string
  definition: unknown
}

const decoder = new TextDecoder()

/**
 * The materialized views of a database: parsed in dependency order, each with its derived table
 * under `_views/<Name>/`, caught up from its lineage, and following its source.
 */
export class ViewSet {
  private readonly views: ReadonlyMap<string, MaterializedView>

  private constructor(views: Map<string, MaterializedView>) {
    this.views = views
  }

  static async open(options: ViewSetOptions): Promise<ViewSet> {
    const schemas = new Map<string, CollectionSchema>([...options.collections].map(([name, table]) => [name, table.schema]))
    const plans = parseViews({ collections: schemas, views: options.definitions })
    const wal = memoryWal() // derived tables need no durability of their own
    const views = new Map<string, MaterializedView>()
    const tableOf = (name: string): Table | undefined => options.collections.get(name) ?? views.get(name)?.table
    const fetchRelated: FetchRelated = async (needs) => {
      const found: [string, Row[]][] = []
      for (const [collection, ids] of needs.ids) {
        const table = tableOf(collection)
        if (table) found.push([collection, await findRows(table, { $id: { $in: [...ids] } })])
      }
      for (const [collection, byField] of needs.referencing) {
        const table = tableOf(collection)
        if (!table) continue
        for (const [field, ids] of byField) found.push([collection, await findRows(table, { [field]: { $in: [...ids] } })])
      }
      return found
    }
    for (const plan of plans.values()) {
      const source = tableOf(plan.source)
      if (!source) throw new ParqueDBError('SCHEMA', `view "${plan.name}": $from: "${plan.source}" is not open`, { view: plan.name })
      const prefix = `_views/${plan.name}/`
      const table = await Table.open({
        storage: options.storage,
        wal: await wal(plan.name),
        schema: plan.outputSchema,
        prefix,
        writerId: options.writerId,
        derived: true,
        encoder: options.encoder,
      })
      const metaKey = `${prefix}_meta.json`
      const stored = await options.storage.get(metaKey)
      const meta = stored ? (JSON.parse(decoder.decode(stored)) as ViewMeta) : undefined
      const view = new MaterializedView(plan, table, source, fetchRelated)
      views.get(plan.source)?.dependants.push(view)
      await view.open(meta !== undefined && meta.hash !== plan.hash)
      if (meta?.hash !== plan.hash) {
        await options.storage.put(metaKey, JSON.stringify({ name: plan.name, hash: plan.hash, definition: plan.definition } satisfies ViewMeta))
      }
      if (view.streaming) view.follow()
      views.set(plan.name, view)
    }
    return new ViewSet(views)
  }

  get(name: string): MaterializedView {
    const view = this.views.get(name)
    if (!view) throw new ParqueDBError('NOT_FOUND', `unknown view "${name}" (known: ${[...this.views.keys()].join(', ') || 'none'})`, { view: name })
    return view
  }

  has(name: string): boolean {
    return this.views.has(name)
  }

  /**
   * Rows of a view, without its hidden columns. A streaming view first applies every source
   * write received so far, so a read after an acknowledged write sees it.
   */
  async find(name: string, filter?: Filter, options?: FindOptions): Promise<Entity[]> {
    const view = this.get(name)
    if (view.streaming) await this.drainThrough(view)
    const rows = await findRows(view.table, filter, options)
    for (const hidden of view.plan.hiddenFields) for (const row of rows) delete row[hidden]
    return rows
  }

  list(): ViewState[] {
    return [...this.views.values()].map((view) => view.state())
  }

  /** Drains a view and, first, every view it reads from (a cascade is only as fresh as its upstream). */
  private async drainThrough(view: MaterializedView): Promise<void> {
    const chain: MaterializedView[] = []
    for (let current: MaterializedView | undefined = view; current; current = this.views.get(current.plan.source)) chain.unshift(current)
    for (const link of chain) await link.drain()
  }

  /** Waits until every view has applied what its source received so far. */
  async drain(): Promise<void> {
    for (const view of this.views.values()) await view.drain()
  }

  async close(): Promise<void> {
    for (const view of [...this.views.values()].reverse()) {
      await view.drain()
      view.stop()
      await view.table.close()
    }
  }
}
