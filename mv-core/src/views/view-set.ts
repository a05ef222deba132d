import type { CollectionSchema, Entity, Row } from '../schema/types.ts'
import type { StorageDriver } from '../storage/types.ts'
import type { ParquetEncoder } from '../parquet/encoder.ts'
import type { Filter, FindOptions } from '../query/types.ts'
import { findRows } from '../table/find-rows.ts'
import { Table } from '../table/table.ts'
import { memoryWal } from '../wal/memory.ts'
import { ParqueDBError } from '../errors.ts'
import { parseViews } from './define/parse-view.ts'
import type { ViewCatalog, ViewPlan } from './define/types.ts'
import { vacuumTable, type VacuumResult } from '../table/vacuum-table.ts'
import { MaterializedView, type Freshness, type RefreshRecord, type ViewState } from './materialized-view.ts'
import { queryRows } from '../query/query-rows.ts'
import { validateFindOptions } from '../query/find-options.ts'
import { ViewHandle } from './view-handle.ts'
import { RefreshScheduler, type RefreshSchedulerOptions, type ScheduleState } from './schedule/refresh-scheduler.ts'
import type { FetchRelated } from './pipeline/load-related.ts'

export interface ViewSetOptions {
  storage: StorageDriver
  /** The collections' tables by name. */
  collections: ReadonlyMap<string, Table>
  /** Raw view definitions by name (entries of the schema with `$from`). */
  definitions: ReadonlyMap<string, unknown>
  writerId: string
  encoder?: ParquetEncoder
  /** Scheduled views: run on timers here ('timers', the default), or only through `runDue` ('external', e.g. Workers cron). */
  scheduler?: 'timers' | 'external'
  /** Where every refresh is recorded: the RefreshHistory collection. */
  history?: Table
  /** Options of the scheduler (clock helpers for tests: random, backoff). */
  schedulerOptions?: Omit<RefreshSchedulerOptions, 'storage'>
}

/** Where a view's answer came from and how fresh it is: the non-enumerable `meta` of the rows `find` returns. */
export interface AnswerMeta extends Freshness {
  servedFrom: 'view' | 'source'
  view: string
}

/** A view's rows with their freshness: `rows.meta` (not enumerable, so the rows array looks like any other). */
export type ViewRows = Entity[] & { readonly meta: AnswerMeta }

/**
 * Writes refresh records into the history table. A record that cannot be written is dropped:
 * the refresh it describes stands either way.
 */
function recordInto(history: Table, pending: Set<Promise<unknown>>): (record: RefreshRecord) => void {
  return (record) => {
    const write = history.bulkCreate([{ ...record }]).catch(() => undefined)
    pending.add(write)
    void write.finally(() => pending.delete(write))
  }
}

/** A RefreshHistory row read back as a RefreshRecord. */
function historyRecord(row: Row): RefreshRecord {
  const { $id: _id, createdAt: _created, updatedAt: _updated, ...record } = row
  return record as unknown as RefreshRecord
}

/** `_views/<Name>/_meta.json`: what the view's data was computed by (its lineage is in its commits). */
interface ViewMeta {
  name: string
  hash: string
  definition: unknown
  refresh: ViewPlan['refresh']
}

const decoder = new TextDecoder()

/**
 * The materialized views of a database: parsed in dependency order, each with its derived table
 * under `_views/<Name>/`, caught up from its lineage, and following its source.
 */
export class ViewSet {
  private readonly views = new Map<string, MaterializedView>()
  private readonly definitions: Map<string, unknown>
  private readonly options: ViewSetOptions
  private readonly wal = memoryWal() // derived tables need no durability of their own

  private readonly scheduler: RefreshScheduler
  /** The newest refresh record of each view in the history when the database opened. */
  private readonly lastRecords = new Map<string, RefreshRecord>()
  /** Refresh records on their way into the history. */
  private readonly historyWrites = new Set<Promise<unknown>>()

  private constructor(options: ViewSetOptions) {
    this.options = options
    this.definitions = new Map(options.definitions)
    this.scheduler = new RefreshScheduler(() => [...this.views.values()], { storage: options.storage, ...options.schedulerOptions })
  }

  static async open(options: ViewSetOptions): Promise<ViewSet> {
    const set = new ViewSet(options)
    // What the history says of each view's last refresh, from before a restart: one read for all.
    if (options.history !== undefined) {
      for (const row of await findRows(options.history, {}, { sort: { startedAt: 1 } })) set.lastRecords.set(row.view as string, historyRecord(row))
    }
    for (const plan of set.parseAll().values()) await set.openView(plan)
    if ((options.scheduler ?? 'timers') === 'timers') set.scheduler.start()
    return set
  }

  /** Runs the scheduled refreshes due at `now` (what timers or a Workers cron call); resolves to the views run. */
  runDueRefreshes(now?: Date): Promise<string[]> {
    return this.scheduler.runDue(now)
  }

  /** A scheduled view's run state, once the scheduler has seen it. */
  scheduleOf(name: string): ScheduleState | undefined {
    return this.scheduler.state(name)
  }

  private parseAll(): ReadonlyMap<string, ViewPlan> {
    return parseViews(this.catalog())
  }

  /** The collections' schemas and the views' definitions: what a view definition is parsed against. */
  catalog(): ViewCatalog {
    const schemas = new Map<string, CollectionSchema>([...this.options.collections].map(([name, table]) => [name, table.schema]))
    return { collections: schemas, views: new Map(this.definitions) }
  }

  private tableOf(name: string): Table | undefined {
    return this.options.collections.get(name) ?? this.views.get(name)?.table
  }

  private readonly fetchRelated: FetchRelated = async (needs) => {
    const found: [string, Row[]][] = []
    for (const [collection, ids] of needs.ids) {
      const table = this.tableOf(collection)
      if (table) found.push([collection, await findRows(table, { $id: { $in: [...ids] } })])
    }
    for (const [collection, byField] of needs.referencing) {
      const table = this.tableOf(collection)
      if (!table) continue
      for (const [field, ids] of byField) found.push([collection, await findRows(table, { [field]: { $in: [...ids] } })])
    }
    return found
  }

  /** Opens a view's table, brings it up to date (fully, if its definition changed) and starts it. */
  private async openView(plan: ViewPlan): Promise<MaterializedView> {
    const { storage } = this.options
    const source = this.tableOf(plan.source)
    if (!source) throw new ParqueDBError('SCHEMA', `view "${plan.name}": $from: "${plan.source}" is not open`, { view: plan.name })
    const prefix = `_views/${plan.name}/`
    const table = await Table.open({
      storage,
      wal: await this.wal(plan.name),
      schema: plan.outputSchema,
      prefix,
      writerId: this.options.writerId,
      derived: true,
      encoder: this.options.encoder,
    })
    const metaKey = `${prefix}_meta.json`
    const stored = await storage.get(metaKey)
    const meta = stored ? (JSON.parse(decoder.decode(stored)) as ViewMeta) : undefined
    const view = new MaterializedView(plan, table, source, this.fetchRelated)
    const upstream = this.views.get(plan.source)
    upstream?.dependants.push(view)
    if (upstream !== undefined) view.drainSource = () => this.drainThrough(upstream)
    // Related collections are not part of a view's lineage: an $expand view starts over on open.
    const startOver =
      meta !== undefined && meta.hash !== plan.hash ? 'the definition changed' : plan.expand.length > 0 ? 'it expands relations, which its lineage does not cover' : undefined
    const { history } = this.options
    if (history !== undefined) {
      view.lastRecord = this.lastRecords.get(plan.name) ?? null
      view.onRefresh = recordInto(history, this.historyWrites)
    }
    await view.open(startOver)
    if (meta?.hash !== plan.hash) {
      await storage.put(metaKey, JSON.stringify({ name: plan.name, hash: plan.hash, definition: plan.definition, refresh: plan.refresh } satisfies ViewMeta))
    }
    if (!view.streaming) view.watchStaleness()
    if (view.streaming) {
      view.follow()
      // Every collection a hop lands on (the source too, when a path leads back to it).
      const related = new Set(plan.expand.flatMap((path) => path.steps.map((step) => step.target)))
      view.followRelated(new Map([...related].flatMap((name): [string, Table][] => {
        const table = this.tableOf(name)
        return table === undefined ? [] : [[name, table]]
      })))
    }
    this.views.set(plan.name, view)
    return view
  }

  /** Adds a view to the open database (`db.registerView`); it is computed from its source at once. */
  async register(name: string, definition: unknown): Promise<ViewState> {
    if (this.views.has(name) || this.options.collections.has(name)) {
      throw new ParqueDBError('SCHEMA', `view "${name}": the name is already taken by a ${this.views.has(name) ? 'view' : 'collection'}`, { view: name })
    }
    this.definitions.set(name, definition)
    try {
      const plan = this.parseAll().get(name) as ViewPlan
      return (await this.openView(plan)).state()
    } catch (error) {
      this.definitions.delete(name)
      throw error
    }
  }

  /**
   * Changes a view's definition (`alterView`): `patch` replaces the directives it names
   * (`{ $refresh: { mode: 'scheduled', schedule: '0 * * * *' } }`). A change to what the view
   * computes refreshes it fully; a change of refresh settings only starts or stops following.
   */
  async alter(name: string, patch: Readonly<Record<string, unknown>>): Promise<ViewState> {
    const current = this.get(name)
    const previous = this.definitions.get(name) as Record<string, unknown>
    this.definitions.set(name, { ...previous, ...patch })
    let plan: ViewPlan
    try {
      plan = this.parseAll().get(name) as ViewPlan
    } catch (error) {
      this.definitions.set(name, previous)
      throw error
    }
    await current.drain()
    current.stop()
    this.detach(current)
    await current.table.close()
    this.scheduler.forget(name)
    const reopened = await this.openView(plan)
    for (const dependant of current.dependants) {
      reopened.dependants.push(dependant)
      dependant.rebind(reopened.table)
    }
    return reopened.state()
  }

  /**
   * Removes a view and its data (`dropView`). Views that read it stop and turn invalid, with the
   * reason in their state.
   */
  async drop(name: string): Promise<void> {
    const view = this.get(name)
    await view.drain()
    view.stop()
    this.detach(view)
    await view.table.close()
    for (const dependant of view.dependants) {
      dependant.stop()
      dependant.invalidate(new ParqueDBError('NOT_FOUND', `view "${dependant.plan.name}": its source view "${name}" was dropped`, { view: dependant.plan.name, source: name }))
    }
    const { storage } = this.options
    for (const object of await storage.list(`_views/${name}/`)) await storage.delete(object.key)
    this.views.delete(name)
    this.scheduler.forget(name)
    this.definitions.delete(name)
  }

  /** Deletes a view's files that no version younger than the retention needs (`vacuumView`). */
  async vacuum(name: string, options: { retentionDays?: number } = {}): Promise<VacuumResult> {
    const days = options.retentionDays ?? 7
    if (!(days >= 0)) throw new ParqueDBError('VALIDATION', `view "${name}": vacuumView: retentionDays must be a non-negative number`, { view: name })
    return vacuumTable(this.get(name).table, { retentionMs: days * 86_400_000 })
  }

  private detach(view: MaterializedView): void {
    const upstream = this.views.get(view.plan.source)
    if (!upstream) return
    const index = upstream.dependants.indexOf(view)
    if (index >= 0) upstream.dependants.splice(index, 1)
  }

  get(name: string): MaterializedView {
    const view = this.views.get(name)
    if (!view) throw new ParqueDBError('NOT_FOUND', `unknown view "${name}" (known: ${[...this.views.keys()].join(', ') || 'none'})`, { view: name })
    return view
  }

  has(name: string): boolean {
    return this.views.has(name)
  }

  /** The name under which this very definition object was given (schema entry or registerView). */
  nameOf(definition: unknown): string | undefined {
    for (const [name, given] of this.definitions) if (given === definition && this.views.has(name)) return name
    return undefined
  }

  /** The reader's handle of a view (what `db.views.<Name>` gives); NOT_FOUND for an unknown view. */
  handle(name: string): ViewHandle {
    this.get(name)
    return new ViewHandle(this, name)
  }

  /**
   * Rows of a view, without its hidden columns. A streaming view first applies every source
   * write received so far, so a read after an acknowledged write sees it.
   */
  async find(name: string, filter: Filter = {}, options: FindOptions = {}): Promise<ViewRows> {
    const view = this.get(name)
    if (view.streaming) await this.drainThrough(view)
    validateFindOptions(options, view.table.label)
    const freshness = view.freshness()
    const grace = view.plan.refresh.gracePeriodMs
    // Past its grace period a stale view's answer is computed from the source (a past asOf reads the view as it was).
    const fromSource = options.asOf === undefined && freshness.stale && grace !== undefined && freshness.lagMs > grace
    // Hidden columns (a grouped view's states) are not even read: they can be larger than the rest.
    const visible = view.plan.hiddenFields.length > 0 && options.project === undefined ? { ...options, project: ['$id', 'createdAt', 'updatedAt', ...view.plan.outputFields] } : options
    const rows = fromSource
      ? (queryRows(await view.computeNow(), filter, visible, { label: view.table.label, schema: view.plan.outputSchema }) as Entity[])
      : await findRows(view.table, filter, visible)
    for (const hidden of view.plan.hiddenFields) for (const row of rows) delete row[hidden]
    const meta: AnswerMeta = fromSource
      ? { servedFrom: 'source', view: name, asOf: { [view.plan.source]: view.sourceVersion() }, lagVersions: 0, lagMs: 0, stale: false }
      : { servedFrom: 'view', view: name, ...freshness }
    return Object.defineProperty(rows, 'meta', { value: Object.freeze(meta), enumerable: false }) as ViewRows
  }

  list(): ViewState[] {
    return [...this.views.values()].map((view) => view.state())
  }

  names(): string[] {
    return [...this.views.keys()]
  }

  /** Drains a view and, first, every view it reads from (a cascade is only as fresh as its upstream). */
  /** Waits until a streaming view (and the views it reads) has taken in every acknowledged write. */
  async settle(name: string): Promise<void> {
    const view = this.get(name)
    if (view.streaming) await this.drainThrough(view)
  }

  private async drainThrough(view: MaterializedView): Promise<void> {
    const chain: MaterializedView[] = []
    for (let current: MaterializedView | undefined = view; current; current = this.views.get(current.plan.source)) chain.unshift(current)
    for (const link of chain) await link.drain()
  }

  /** Waits until every view has applied what its source received so far. */
  async drain(): Promise<void> {
    for (const view of this.views.values()) await view.drain()
    await Promise.all(this.historyWrites)
  }

  /** Stops running scheduled refreshes and waits for one under way (the first step of closing). */
  async stopScheduling(): Promise<void> {
    this.scheduler.stop()
    await this.scheduler.idle()
  }

  async close(): Promise<void> {
    await this.stopScheduling()
    await Promise.all(this.historyWrites)
    for (const view of [...this.views.values()].reverse()) {
      await view.drain()
      view.stop()
      await view.table.close()
    }
  }
}
