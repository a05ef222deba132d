import { ParqueDBError } from '../errors.ts'
import type { Filter } from '../query/types.ts'
import type { Row } from '../schema/types.ts'
import { findRows, findRowsIn } from '../table/find-rows.ts'
import { compactTable } from '../table/compact-table.ts'
import { readChanges } from '../table/read-changes.ts'
import type { Snapshot } from '../table/commit.ts'
import type { ReadView } from '../table/read-view.ts'
import { scanColumnsIn, type ColumnBatch } from '../table/scan-columns.ts'
import type { LiveChange, Table } from '../table/table.ts'
import type { ViewPlan } from './define/types.ts'
import type { ScheduleState } from './schedule/refresh-scheduler.ts'
import { applyRowChanges } from './maintain/apply-row-changes.ts'
import { filterForGroup } from './maintain/filter-for-group.ts'
import { fullRefreshGroupsFromColumns, fullRefreshRows, refilledRows } from './maintain/full-refresh-rows.ts'
import { foldColumns } from './maintain/group-fold.ts'
import { GroupMaintainer } from './maintain/group-maintainer.ts'
import type { SourceChange } from './maintain/types.ts'
import { loadRelatedAs, type FetchRelated } from './pipeline/load-related.ts'
import { RelatedChanges } from './pipeline/related-changes.ts'
import type { RelatedNeeds } from './pipeline/related-ids-needed.ts'
import { sourcesReaching } from './pipeline/sources-reaching.ts'
import { NO_RELATED, type RelatedRows } from './pipeline/related-rows.ts'
import { sourceProjection } from './pipeline/source-projection.ts'
import { workingRows, type WorkingRow } from './pipeline/working-rows.ts'

/** A view's table is compacted once it holds this many files. */
const COMPACT_AT_FILES = 8
/** Source rows one coalesced maintenance step takes at most (see follow). */
const BURST_ROWS = 10_000

/** What `getViewState` reports. */
export interface ViewState {
  name: string
  /** 'invalid': the last maintenance step failed (`error` says why); the last good data stays readable. */
  state: 'fresh' | 'stale' | 'invalid'
  mode: ViewPlan['refresh']['mode']
  /** When the view last took in source changes or was refreshed. */
  lastRefresh: Date | null
  /** Since when it has been behind its source (null when fresh). */
  staleSince: Date | null
  /** The committed source versions its committed contents reflect. */
  sourceVersions: Record<string, number>
  /** Source writes received but not yet applied. */
  lag: number
  /** What the committed contents reflect, as recorded with them (it survives restarts). */
  lineage: ViewLineage
  /** What keeping the view up to date has cost since the database opened. */
  maintenance: ViewMaintenance
  /** Scheduled views: the next run and the last outcome, as stored with the view. */
  schedule?: ScheduleState
  /** The newest entry of the refresh history for this view (also from before a restart). */
  lastRefreshRecord: RefreshRecord | null
  error?: string
}

export interface ViewLineage {
  /** The committed source versions the committed contents reflect. */
  sourceVersions: Record<string, number>
  /** The version of the view's own table that holds them. */
  refreshVersionId: number
  /** When that version was committed; null before the first commit. */
  lastRefreshTime: Date | null
}

/** What started a refresh. */
export type RefreshTrigger = 'open' | 'manual' | 'schedule' | 'cascade' | 'maintenance'

/** Why a view is refreshed: who asked, and the reason in words ('the definition changed'). */
export interface RefreshCause {
  trigger: RefreshTrigger
  reason: string
}

/** One refresh, as the refresh history (the RefreshHistory collection) holds it. */
export interface RefreshRecord {
  view: string
  trigger: RefreshTrigger
  mode: ViewPlan['refresh']['mode']
  kind: 'full' | 'incremental'
  reason: string
  /** Source rows read (full) or source changes applied (incremental). */
  rowsIn: number | null
  /** View rows written (full refreshes). */
  rowsOut: number | null
  startedAt: Date
  durationMs: number
  error: string | null
}

/** How fresh a view's answer is (see ViewSet.find). */
export interface Freshness {
  /** The source versions the data reflects. */
  asOf: Record<string, number>
  /** Committed source versions the data does not reflect yet. */
  lagVersions: number
  /** How long the data has been behind its source, in ms (0 when it is not). */
  lagMs: number
  stale: boolean
}

/** Cumulative counts of a view's upkeep since the database opened. */
export interface ViewMaintenance {
  /** Batches of source changes applied. */
  batches: number
  /** Source rows (inserted images and before-images) those batches carried. */
  rows: number
  /** Groups recomputed from the source because an extreme or a percentile lost a value. */
  recomputedGroups: number
  fullRefreshes: number
  /** Time the view's queue spent working (applying, recomputing, refreshing, committing). */
  ms: number
}

/**
 * One materialized view: its plan, its derived table under `_views/<Name>/`, and the ordered queue
 * through which source changes, freezes and commits reach it (docs/design/views.md).
 */
export class MaterializedView {
  readonly plan: ViewPlan
  readonly table: Table
  private source: Table
  private readonly fetchRelated: FetchRelated
  private groups: GroupMaintainer | undefined
  private queue: Promise<void> = Promise.resolve()
  private queued = 0
  /** Source writes received so far; a full refresh skips queued writes it already contains. */
  private received = 0
  private skipThrough = 0
  /** Source writes waiting in the queued job that applies them, which later writes may join. */
  private burst: { rows: number; changes: { seq: number; change: LiveChange }[] } | undefined
  private dirtyGroups = new Map<string, Row>()
  private failure: unknown
  private lastRefresh: Date | null = null
  private staleSince: Date | null = null
  private unsubscribe: (() => void)[] = []
  private refreshQueued = false
  /** `$expand` views: related entities changed in the current period (see RelatedChanges). */
  private relatedChanges = new RelatedChanges()
  private readonly maintenance: ViewMaintenance = { batches: 0, rows: 0, recomputedGroups: 0, fullRefreshes: 0, ms: 0 }
  /** Views that read this one: a full refresh here replaces what they were derived from. */
  readonly dependants: MaterializedView[] = []

  constructor(plan: ViewPlan, table: Table, source: Table, fetchRelated: FetchRelated) {
    this.plan = plan
    this.table = table
    this.source = source
    this.fetchRelated = fetchRelated
    this.groups = plan.kind === 'groups' ? new GroupMaintainer(plan) : undefined
  }

  get streaming(): boolean {
    return this.plan.refresh.mode === 'streaming'
  }

  /**
   * Brings the view up to date after opening. Streaming views: from their lineage through the
   * source's committed changelog, then the source's uncommitted writes (committed later, in step
   * with the source). Other views wait for `refresh`. A full refresh when there is no lineage, the
   * definition changed, or the changelog needed was vacuumed.
   */
  async open(startOver?: string): Promise<void> {
    const lineage = this.lineage()
    if (startOver !== undefined || lineage === undefined) {
      await this.refreshFully({ trigger: 'open', reason: startOver ?? 'it holds no data yet' })
    } else {
      if (!this.streaming) return
      await this.catchUp(lineage)
      await this.apply(this.source.pendingChanges())
    }
    // Nothing writes while a database opens: the source as it stands is the consistent point
    // for the groups its uncommitted writes left to recompute.
    if (this.dirtyGroups.size > 0) await this.recomputeDirty(this.source.currentView())
    this.lastRefresh = new Date()
  }

  private async recomputeDirty(captured: ReadView): Promise<void> {
    if (this.dirtyGroups.size === 0) return
    const dirty = [...this.dirtyGroups]
    this.dirtyGroups.clear()
    await this.recompute(captured, dirty)
  }

  /** Applies the source's committed changes after `from` and commits them with the newest version as lineage. */
  private async catchUp(from: number): Promise<void> {
    const latest = (await this.source.refresh()).version
    try {
      for await (const change of readChanges(this.source, from)) await this.apply(change)
    } catch (error) {
      if (ParqueDBError.isInstance(error, 'EXPIRED')) return void (await this.refreshFully({ trigger: 'maintenance', reason: 'the source changes it needed were vacuumed' }))
      throw error
    }
    // Groups to recompute are read as of the committed version being caught up to.
    await this.recomputeDirty({ snapshot: this.source.committed, pending: [], shadowed: new Set() })
    this.table.freeze()
    await this.table.commitFrozen({ [this.plan.source]: latest })
  }

  /** Streaming views follow every write, freeze and commit of their source. */
  follow(): void {
    this.unsubscribe.push(
      this.source.onChange((change) => {
        this.staleSince ??= new Date()
        const seq = ++this.received
        const rows = change.inserts.length + change.deletes.length
        // A burst of writes arriving while the view is busy is applied as one batch: writes join
        // the job still waiting in the queue, as long as nothing else was queued after it.
        if (this.burst !== undefined && this.burst.rows + rows <= BURST_ROWS) {
          this.burst.changes.push({ seq, change })
          this.burst.rows += rows
          return
        }
        const burst = { rows, changes: [{ seq, change }] }
        void this.enqueue(() => {
          if (this.burst === burst) this.burst = undefined
          const live = burst.changes.filter((entry) => entry.seq > this.skipThrough).map((entry) => entry.change)
          if (live.length === 1) return this.apply(live[0] as LiveChange)
          return this.apply({ inserts: live.flatMap((entry) => entry.inserts), deletes: live.flatMap((entry) => entry.deletes) })
        })
        this.burst = burst
      }, { columns: sourceProjection(this.plan) }),
      this.source.onFlush((event) => {
        if (event.phase === 'freeze') {
          // The source as it stands at its freeze is exactly what the view holds once the queue
          // reaches this point: groups awaiting a recompute are settled against it, so the
          // frozen part committed with this version is exact.
          const atFreeze = this.groups ? this.source.currentView() : undefined
          const seq = ++this.received
          void this.enqueue(async () => {
            if (seq <= this.skipThrough) return // a full refresh after it froze at this point itself
            if (atFreeze) await this.recomputeDirty(atFreeze)
            this.table.freeze()
          })
          return
        }
        const committed = this.enqueue(async () => {
          // A full refresh that ran after this version was published already holds it.
          if (event.version <= (this.lineage() ?? -1)) return
          await this.table.commitFrozen({ [this.plan.source]: event.version })
        })
        // Each source flush adds a small file to the view; merge them once they pile up, after
        // the commit (the source does not wait for it), so reads open few files.
        if (this.table.committed.files.size + 1 >= COMPACT_AT_FILES) void this.enqueue(() => this.compact())
        return committed
      }),
    )
  }

  /** Runs `work` after everything queued before it; a failure marks the view invalid, not the source. */
  private enqueue(work: () => Promise<void>, evenIfFailed = false): Promise<void> {
    // Writes after this job must not join a burst queued before it.
    this.burst = undefined
    this.queued++
    const next = this.queue.then(async () => {
      const started = performance.now()
      try {
        // A failed view skips its work until a refresh, but every job still counts down.
        if (this.failure === undefined || evenIfFailed) await work()
      } catch (error) {
        this.failure = error
      } finally {
        this.queued--
        if (this.queued === 0 && this.failure === undefined) await this.settle()
        this.maintenance.ms += performance.now() - started
      }
    })
    this.queue = next
    return next
  }

  /** Resolves once everything received so far has been applied. */
  async drain(): Promise<void> {
    do await this.queue
    while (this.queued > 0)
  }

  /**
   * The queue just emptied: the view has taken in exactly what its source holds right now, so
   * groups that need recomputing are recomputed from a source view captured in this same step.
   */
  private async settle(): Promise<void> {
    this.staleSince = null
    this.lastRefresh = new Date()
    if (this.relatedChanges.size === 0 && (this.dirtyGroups.size === 0 || !this.groups)) return
    const captured = this.source.currentView()
    // Related changes of the period that ends here; later ones start the next period.
    const ended = this.relatedChanges
    if (ended.size > 0) this.relatedChanges = new RelatedChanges()
    try {
      if (ended.size > 0) await this.rederive(captured, ended)
      if (this.dirtyGroups.size > 0) await this.recomputeDirty(captured)
    } catch (error) {
      this.failure = error
    }
  }

  /**
   * Re-derives the source rows that the related entities changed during a period reach: from the
   * related state at the period's start (what the view derived them with) to the state at its
   * end, as a batch of before- and after-images of the same rows.
   */
  private async rederive(captured: ReadView, ended: RelatedChanges): Promise<void> {
    const plan = this.plan
    const fetchOne = async (needs: RelatedNeeds, collection: string) => [...(await this.fetchRelated(needs))].flatMap(([name, rows]) => (name === collection ? rows : []))
    const ids = await sourcesReaching(plan, ended.ids(), {
      byIds: (collection, wanted) => fetchOne({ ids: new Map([[collection, wanted]]), referencing: new Map() }, collection),
      referencing: (collection, field, wanted) => fetchOne({ ids: new Map(), referencing: new Map([[collection, new Map([[field, wanted]])]]) }, collection),
      earlier: (collection) => [...ended.images(collection), ...this.relatedChanges.images(collection)],
      sourceReferencing: async (field, wanted) =>
        (await findRowsIn(this.source, captured, { [field]: { $in: [...wanted] } }, { project: ['$id'] })).map((row) => row.$id),
    })
    if (ids.size === 0) return
    const rows = await findRowsIn(this.source, captured, { $id: { $in: [...ids] } }, { project: sourceProjection(plan) })
    // Oldest images first: what the period started with, then what the next period started with.
    const before = await loadRelatedAs(plan, rows, this.fetchRelated, (loaded) => ended.revert(this.relatedChanges.revert(loaded)))
    await this.apply({ inserts: rows, deletes: rows }, await this.relatedFor(rows), before)
  }

  private async recompute(captured: ReadView, dirty: [string, Row][]): Promise<void> {
    const groups = this.groups as GroupMaintainer
    const upserts: Row[] = []
    const deleteIds: string[] = []
    // Groups whose key is no filter on the source (keys from expressions or relations) share one read of all of it.
    let everything: WorkingRow[] | undefined
    for (const [id, key] of dirty) {
      const filter = filterForGroup(this.plan, key)
      let rows: Iterable<WorkingRow>
      if (filter !== undefined) {
        rows = await this.groupRows(captured, filter)
      } else {
        everything ??= Array.from(await this.groupRows(captured, {}), (row) => ({ ...row }))
        rows = everything
      }
      const result = groups.recomputeGroup(id, rows)
      this.maintenance.recomputedGroups++
      upserts.push(...result.upserts)
      deleteIds.push(...result.deleteIds)
    }
    if (upserts.length > 0 || deleteIds.length > 0) await this.table.applyBatch({ upserts, deleteIds })
  }

  /** The working rows a group's filter selects from a captured source: read as columns when the view expands nothing. */
  private async groupRows(captured: ReadView, filter: Filter): Promise<Iterable<WorkingRow>> {
    const plan = this.plan
    if (plan.expand.length === 0) {
      const batches: ColumnBatch[] = []
      for await (const batch of scanColumnsIn(this.source, captured, { ...foldColumns(plan), filter })) batches.push(batch)
      return (function* () {
        for (const row of refilledRows(batches)) yield* workingRows(plan, row, NO_RELATED)
      })()
    }
    const sourceRows = await findRowsIn(this.source, captured, filter, { project: sourceProjection(plan) })
    const related = await this.relatedFor(sourceRows)
    return sourceRows.flatMap((row) => workingRows(plan, row, related))
  }

  /**
   * Applies one batch of source changes to the view's table, derived with the related entities
   * (`$expand`) as the current period started; `relatedBefore` derives the deleted images
   * instead, when a related change is being re-derived.
   */
  private async apply(change: SourceChange | LiveChange, related?: RelatedRows, relatedBefore?: RelatedRows): Promise<void> {
    if (change.inserts.length === 0 && change.deletes.length === 0) return
    this.maintenance.batches++
    this.maintenance.rows += change.inserts.length + change.deletes.length
    related ??= await this.relatedFor([...change.inserts, ...change.deletes])
    relatedBefore ??= related
    if (!this.groups) {
      const { upserts, deleteIds } = applyRowChanges(this.plan, change, related, relatedBefore)
      if (upserts.length > 0 || deleteIds.length > 0) await this.table.applyBatch({ upserts, deleteIds })
      return
    }
    const groups = this.groups
    const batch = groups.prepare(change, related, relatedBefore)
    const unknown = batch.groupIds.filter((id) => !groups.has(id))
    if (unknown.length > 0) {
      for (const row of await findRows(this.table, { $id: { $in: unknown } })) groups.load(row.$id, row._state)
    }
    const { upserts, deleteIds, recompute } = groups.applyPrepared(batch)
    for (const id of recompute) {
      const stored = (await this.table.get(id)) ?? upserts.find((row) => row.$id === id)
      this.dirtyGroups.set(id, (stored ?? {}) as Row)
    }
    if (upserts.length > 0 || deleteIds.length > 0) await this.table.applyBatch({ upserts, deleteIds })
  }

  /** The related entities these rows reach, as the current period started (see RelatedChanges). */
  private async relatedFor(rows: readonly Row[]): Promise<RelatedRows> {
    if (this.plan.expand.length === 0) return NO_RELATED
    return loadRelatedAs(this.plan, rows, this.fetchRelated, (loaded) => this.relatedChanges.revert(loaded))
  }

  /**
   * Recomputes the whole view from its source. The source is captured at a quiet point (no flush
   * under way, so the captured snapshot and the view's lineage line up) in one synchronous step
   * with its uncommitted changes; queued writes received before that point are then skipped.
   */
  async refreshFully(cause: RefreshCause): Promise<void> {
    const started = new Date()
    let rows: { in: number; out: number } | undefined
    try {
      rows = await this.recomputeAll()
    } catch (error) {
      this.record({ cause, kind: 'full', started, error })
      throw error
    }
    this.record({ cause, kind: 'full', started, rows })
  }

  /** The body of refreshFully: resolves to the source rows read and the view rows written. */
  private async recomputeAll(): Promise<{ in: number; out: number }> {
    // Views that do not follow their source reflect a committed version: commit what is acknowledged.
    if (!this.streaming && !this.source.isDerived) await this.source.flush()
    // A view over a view reads what that view holds: everything it has received, taken in.
    if (!this.streaming && this.source.isDerived) await this.drainSource()
    await this.source.refresh()
    // One synchronous step: the committed snapshot, the uncommitted parts split at any flush under
    // way, and the position in this view's queue they correspond to. (Waiting for the source to
    // go quiet instead would deadlock: its flush waits for this queue.)
    const captured = this.source.currentView()
    const parts = this.source.pendingParts()
    this.skipThrough = this.received
    this.maintenance.fullRefreshes++
    // Streaming views take uncommitted writes in step below; the others read them now (a source
    // view's latest rows stay uncommitted until its own source flushes).
    const computed = await this.computeFrom(this.streaming ? { snapshot: captured.snapshot, pending: [], shadowed: new Set() } : captured)
    await this.table.replaceContents(computed.rows, { lineage: { [this.plan.source]: captured.snapshot.version } })
    if (this.groups) this.groups = new GroupMaintainer(this.plan)
    this.dirtyGroups.clear()
    this.failure = undefined
    // Uncommitted source writes follow in step with the source: the part a running flush is
    // committing goes into this view's frozen part, to be committed with that version. Views
    // that do not follow their source take them at their next refresh, once committed.
    if (this.streaming) {
      if (parts.frozen && parts.atFreeze) {
        await this.apply(parts.frozen)
        await this.recomputeDirty(parts.atFreeze)
        this.table.freeze()
      }
      await this.apply(parts.active)
    }
    this.lastRefresh = new Date()
    if (!this.streaming) this.staleSince = null
    // Dependants cannot follow a replacement change by change: they start over too. Queued
    // behind everything they have received, so they capture this view as it now stands.
    for (const dependant of this.dependants) dependant.requestFullRefresh({ trigger: 'cascade', reason: `its source view "${this.plan.name}" was refreshed fully` })
    return { in: computed.sourceRows, out: computed.rows.length }
  }

  /** The view's contents as of a committed source snapshot: from columns when the view groups without expanding. */
  /** The view's rows computed from a captured view of its source, and how many source rows that read. */
  private async computeFrom(source: ReadView): Promise<{ rows: Row[]; sourceRows: number }> {
    if (this.plan.kind === 'groups' && this.plan.expand.length === 0) {
      let read = 0
      const batches = scanColumnsIn(this.source, source, foldColumns(this.plan))
      const counted = (async function* () {
        for await (const batch of batches) {
          read += batch.rowCount
          yield batch
        }
      })()
      const rows = await fullRefreshGroupsFromColumns(this.plan, counted)
      return { rows, sourceRows: read }
    }
    const sourceRows = await findRowsIn(this.source, source, {}, { project: sourceProjection(this.plan) })
    return { rows: fullRefreshRows(this.plan, sourceRows, await this.relatedFor(sourceRows)), sourceRows: sourceRows.length }
  }

  /**
   * The view's rows as the source stands now (committed and acknowledged writes), computed on
   * the spot without touching the view's table: the answer of a view past its grace period.
   */
  async computeNow(): Promise<Row[]> {
    await this.source.refresh()
    return (await this.computeFrom(this.source.currentView())).rows
  }

  /** Over a view: waits until that view (and the views it reads) has taken in every write. */
  drainSource: () => Promise<void> = async () => undefined

  /** Where refreshes are recorded (the database's refresh history). */
  onRefresh: ((record: RefreshRecord) => void) | undefined

  /** The newest refresh record: seeded from the history at open, then kept as refreshes happen. */
  lastRecord: RefreshRecord | null = null

  private record(entry: { cause: RefreshCause; kind: 'full' | 'incremental'; started: Date; rows?: { in: number; out: number | null }; error?: unknown }): void {
    const error = entry.error === undefined ? null : entry.error instanceof Error ? entry.error.message : String(entry.error)
    const record: RefreshRecord = {
      view: this.plan.name,
      trigger: entry.cause.trigger,
      mode: this.plan.refresh.mode,
      kind: entry.kind,
      reason: entry.cause.reason,
      rowsIn: entry.rows?.in ?? null,
      rowsOut: entry.rows?.out ?? null,
      startedAt: entry.started,
      durationMs: Date.now() - entry.started.getTime(),
      error,
    }
    this.lastRecord = record
    this.onRefresh?.(record)
  }

  /** The source's newest committed version (acknowledged writes after it included in `computeNow`). */
  sourceVersion(): number {
    return this.source.committed.version
  }

  /** How far the view's data is behind its source, for the metadata of an answer. */
  freshness(): Freshness {
    const sourceVersion = this.source.committed.version
    const lineage = this.lineage() ?? 0
    if (this.streaming && this.failure === undefined) {
      // A drained streaming view holds every acknowledged write, committed or not.
      const behind = this.queued > 0 || this.dirtyGroups.size > 0 || this.relatedChanges.size > 0
      return { asOf: { [this.plan.source]: sourceVersion }, lagVersions: 0, lagMs: behind ? this.lagSince(this.staleSince) : 0, stale: behind }
    }
    const stale = this.failure !== undefined || this.behindSource()
    return { asOf: { [this.plan.source]: lineage }, lagVersions: Math.max(0, sourceVersion - lineage), lagMs: stale ? this.lagSince(this.staleSince ?? this.lastRefresh) : 0, stale }
  }

  /**
   * A view that does not follow its source is behind it when the source has changed since the
   * last refresh: committed versions past the lineage or acknowledged writes pending — or, over
   * a view (whose rows commit only with its own source), any change noticed since.
   */
  private behindSource(): boolean {
    if (this.source.isDerived) return this.staleSince !== null
    return this.source.committed.version > (this.lineage() ?? -1) || this.source.hasPending
  }

  private lagSince(since: Date | null): number {
    return since === null ? 0 : Math.max(0, Date.now() - since.getTime())
  }

  /** Views that do not follow their source still note when it first changed after their last refresh. */
  watchStaleness(): void {
    this.unsubscribe.push(
      this.source.onChange(() => {
        this.staleSince ??= new Date()
      }, { columns: [] }),
    )
  }

  private async compact(): Promise<void> {
    if (this.table.committed.files.size < COMPACT_AT_FILES) return
    await compactTable(this.table, { minFiles: COMPACT_AT_FILES })
  }

  /** Queues a full refresh without waiting for it (its failure marks this view invalid); bursts share one. */
  requestFullRefresh(cause: RefreshCause): void {
    if (this.refreshQueued) return
    this.refreshQueued = true
    void this.enqueue(async () => {
      this.refreshQueued = false
      await this.refreshFully(cause)
    }, true)
  }

  /**
   * `$expand` views also read related collections. Their changes are recorded as they happen;
   * once the queue drains, the source rows they reach are re-derived (see `rederive`).
   */
  followRelated(tables: ReadonlyMap<string, Table>): void {
    for (const [collection, table] of tables) {
      this.unsubscribe.push(
        table.onChange((change) => {
          this.staleSince ??= new Date()
          this.relatedChanges.record(collection, change)
          // An empty step, so the queue drains and settles after it.
          void this.enqueue(async () => undefined)
        }),
      )
    }
  }

  /**
   * `refreshView`: a streaming view is already current once its queue drains; other views flush
   * the source and take in its committed changes since their lineage. `full` recomputes all.
   */
  async refresh(options: { full?: boolean; trigger?: RefreshTrigger } = {}): Promise<void> {
    const trigger = options.trigger ?? 'manual'
    const failedBefore = this.failure !== undefined
    const full = options.full === true || failedBefore
    await this.enqueue(async () => {
      this.failure = undefined
      if (full) return this.refreshFully({ trigger, reason: options.full === true ? 'a full refresh was asked for' : 'the last refresh failed' })
      if (this.streaming) return
      // Related entities are not part of the lineage: a view that expands them starts over.
      if (this.plan.expand.length > 0) return this.refreshFully({ trigger, reason: 'it expands relations, which its lineage does not cover' })
      // A view over a view: its source's newest rows are not committed (they commit with their
      // own source), so no changelog holds them; it is recomputed from what the source holds.
      if (this.source.isDerived) return this.refreshFully({ trigger, reason: 'its source is a view, whose newest rows its changelog does not hold yet' })
      await this.source.flush()
      const lineage = this.lineage()
      if (lineage === undefined) return this.refreshFully({ trigger, reason: 'it holds no data yet' })
      const started = new Date()
      const rowsBefore = this.maintenance.rows
      try {
        await this.catchUp(lineage)
      } catch (error) {
        this.record({ cause: { trigger, reason: `changes since version ${lineage}` }, kind: 'incremental', started, error })
        throw error
      }
      this.record({ cause: { trigger, reason: `changes since version ${lineage}` }, kind: 'incremental', started, rows: { in: this.maintenance.rows - rowsBefore, out: null } })
      this.lastRefresh = new Date()
      this.staleSince = null
    }, true)
    await this.drain()
    if (this.failure !== undefined) throw this.failure
  }

  state(): ViewState {
    const failed = this.failure !== undefined
    const behind = !this.streaming && this.behindSource()
    const committed = this.table.committed
    const stale = this.queued > 0 || this.dirtyGroups.size > 0 || this.relatedChanges.size > 0 || behind
    return {
      name: this.plan.name,
      state: failed ? 'invalid' : stale ? 'stale' : 'fresh',
      mode: this.plan.refresh.mode,
      lastRefresh: this.lastRefresh ?? (this.lastRecord ? new Date(this.lastRecord.startedAt.getTime() + this.lastRecord.durationMs) : null),
      staleSince: stale ? (this.staleSince ?? this.lastRefresh) : null,
      sourceVersions: { ...committed.lineage },
      lag: this.queued,
      lineage: {
        sourceVersions: { ...committed.lineage },
        refreshVersionId: committed.version,
        lastRefreshTime: committed.timestamp > 0 ? new Date(committed.timestamp) : null,
      },
      maintenance: { ...this.maintenance },
      lastRefreshRecord: this.lastRecord,
      ...(failed ? { error: this.failure instanceof Error ? this.failure.message : String(this.failure) } : {}),
    }
  }

  /** Its source view was reopened under a new definition: follow the new table and start over. */
  rebind(source: Table): void {
    this.stop()
    this.source = source
    if (this.streaming) this.follow()
    else this.watchStaleness()
    this.requestFullRefresh({ trigger: 'cascade', reason: 'its source view was redefined' })
  }

  /** Marks the view invalid (its source is gone); its last data stays readable. */
  invalidate(reason: unknown): void {
    this.failure = reason
  }

  /** The committed source version this view's committed contents reflect. */
  private lineage(): number | undefined {
    return this.table.committed.lineage[this.plan.source]
  }

  stop(): void {
    for (const unsubscribe of this.unsubscribe.splice(0)) unsubscribe()
  }
}
