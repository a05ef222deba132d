import { monotonicFactory } from 'ulidx'
import { ParqueDBError } from '../errors.ts'
import { inProcessEncoder, type ParquetEncoder } from '../parquet/encoder.ts'
import type { CollectionSchema, Entity, Row } from '../schema/types.ts'
import { validateRows } from '../schema/validate.ts'
import { materializeColumns, materializeRow, storedRow, variantColumns, type VariantText } from '../schema/variant-text.ts'
import type { StorageDriver } from '../storage/types.ts'
import type { WriteAheadLog } from '../wal/types.ts'
import { applyUpdate, type Update } from './apply-update.ts'
import type { DataFile, Snapshot } from './commit.ts'
import { commitLog, type CommitLog } from './commit-log.ts'
import { fileReader, type FileReader } from './file-reader.ts'
import { locateRows } from './locate-rows.ts'
import { Memtable } from './memtable.ts'
import { captureReadView, type ReadView } from './read-view.ts'
import { walRecordCodec, type WalRecord } from './wal-record.ts'
import { publishCommit } from './publish-commit.ts'
import { memtableChange, netChange } from './pending-changes.ts'

/** When the memtable is written out to Parquet. */
export interface FlushPolicy {
  /** Flush once this many rows are pending (default 50,000). Writes wait when twice this is pending. */
  maxRows: number
  /** Flush rows older than this (default 10 s), so a trickle of writes still reaches Parquet. */
  maxAgeMs: number
  /** Rows per Parquet row group (default 10,000): the unit statistics prune. */
  rowGroupSize: number
}

export const DEFAULT_FLUSH_POLICY: FlushPolicy = { maxRows: 50_000, maxAgeMs: 10_000, rowGroupSize: 10_000 }

/** Decoded values a derived table (a view) keeps in memory for repeated reads. */
const DERIVED_DECODED_VALUES = 2_000_000

export interface TableOptions {
  storage: StorageDriver
  wal: WriteAheadLog
  schema: CollectionSchema
  /** Key prefix of the table's objects, ending in '/', e.g. 'TailEvents/'. */
  prefix: string
  /** Identifies this writer's commits; must be stable across restarts of the same WAL. */
  writerId: string
  flush?: Partial<FlushPolicy>
  /** Where flushes encode Parquet (default: in this thread). */
  encoder?: ParquetEncoder
  /**
   * A derived table (a view's output) flushes only in step with its source: no size or age
   * flushes; its owner calls `freeze()` and `commitFrozen(lineage)` (see docs/design/views.md).
   */
  derived?: boolean
}

const NO_COLUMNS: Row = Object.freeze({})

/** A change listener and the form its rows take: every column, or the columns it asked for. */
interface ChangeListener {
  readonly listener: (change: LiveChange) => void
  /** `parsed`: variants already parsed for another listener of the same write. */
  readonly materialize: (row: Row, parsed: Map<VariantText, unknown>) => Row
}

/** Flush progress, for tables that follow this one in lockstep (views). */
export type FlushEvent = { phase: 'freeze' } | { phase: 'commit'; version: number }

/** One acknowledged write, as streaming consumers receive it: an update is a delete plus an insert. */
export interface LiveChange {
  inserts: readonly Row[]
  /** Before-images of updated or deleted rows. */
  deletes: readonly Row[]
}

/**
 * A collection's storage: acknowledged writes go to the WAL and the memtable; flushes turn the
 * memtable into Parquet files published by numbered commits in the table's log.
 */
export class Table {
  readonly schema: CollectionSchema
  readonly log: CommitLog
  readonly reader: FileReader
  readonly label: string
  readonly policy: FlushPolicy
  private readonly storage: StorageDriver
  private readonly wal: WriteAheadLog
  private readonly prefix: string
  private readonly writerId: string
  private readonly codec: ReturnType<typeof walRecordCodec>
  private readonly encoder: ParquetEncoder
  private readonly nextId = monotonicFactory()
  private snapshot!: Snapshot
  private active = new Memtable()
  private frozen: Memtable | null = null
  /**
   * Derived tables: the memtable they committed last, kept so the next batch's before-images
   * (the group rows it just wrote, mostly) come without reading files. Sound because a derived
   * table has one writer, its view, whose later writes are in the newer memtables.
   */
  private lastCommitted: Memtable | null = null
  private frozenMark = 0
  private flushing: Promise<void> | null = null
  private ageTimer: ReturnType<typeof setTimeout> | undefined
  private keyedWrites: Promise<unknown> = Promise.resolve()
  private listeners = new Set<ChangeListener>()
  private flushListeners = new Set<(event: FlushEvent) => void | Promise<void>>()
  private readonly derived: boolean
  private freezing: Promise<void> = Promise.resolve()
  private failure: unknown
  private closed = false

  private constructor(options: TableOptions) {
    this.schema = options.schema
    this.storage = options.storage
    this.wal = options.wal
    this.prefix = options.prefix
    this.writerId = options.writerId
    this.label = `collection "${options.schema.name}"`
    this.policy = { ...DEFAULT_FLUSH_POLICY, ...options.flush }
    this.log = commitLog(options.storage, options.prefix, this.label)
    // A view's files are read again for every dashboard question: keep them decoded.
    this.reader = fileReader(options.storage, options.prefix, options.schema, { decodedValues: options.derived === true ? DERIVED_DECODED_VALUES : 0 })
    this.codec = walRecordCodec(options.schema)
    this.encoder = options.encoder ?? inProcessEncoder
    this.derived = options.derived === true
  }

  /** Opens the table: reads its log, then replays the WAL records its commits do not yet contain. */
  static async open(options: TableOptions): Promise<Table> {
    const table = new Table(options)
    table.snapshot = await table.log.latest()
    const mark = table.snapshot.walMarks[table.writerId]
    if (mark !== undefined) await table.wal.discardBefore(mark)
    for (const bytes of await table.wal.replay()) table.applyRecord(table.codec.decode(bytes))
    if (table.active.size > 0) table.scheduleAgeFlush()
    return table
  }

  // ---------------------------------------------------------------------------------- writes

  /** Inserts one entity and resolves once it is durable. */
  async create(row: Row): Promise<Entity> {
    const [entity] = await this.bulkCreate([row])
    return entity as Entity
  }

  /**
   * Inserts a batch atomically: it is validated whole (nothing is written if any row is bad) and
   * acknowledged once durable in the WAL. Rows without `$id` get a time-sortable ULID.
   */
  async bulkCreate(rows: readonly Row[]): Promise<Entity[]> {
    this.assertWritable()
    if (!Array.isArray(rows)) throw new ParqueDBError('VALIDATION', `${this.label}: bulkCreate takes an array of rows`)
    if (rows.length === 0) return []
    await this.backpressure()
    const stored = validateRows(this.schema, rows, { variantText: true }) as Entity[]
    const now = new Date()
    let userIds = false
    for (const entity of stored) {
      if (entity.$id == null) entity.$id = this.nextId(now.getTime())
      else userIds = true
      entity.createdAt ??= now
      entity.updatedAt ??= now
    }
    if (userIds) {
      await this.keyed(async () => {
        await this.assertNewIds(stored)
        await this.write({ t: 'insert', rows: stored })
      })
    } else {
      await this.write({ t: 'insert', rows: stored })
    }
    return this.echo(stored, rows)
  }

  /**
   * What bulkCreate returns: each stored entity with the caller's own variant values, so that
   * acknowledging a batch never pays for parsing back the JSON it just wrote.
   */
  private echo(stored: readonly Entity[], inputs: readonly Row[]): Entity[] {
    const variants = variantColumns(this.schema)
    return stored.map((entity, index) => {
      const copy = { ...entity }
      for (const { name } of variants) copy[name] = (inputs[index] as Row)[name] ?? null
      return copy
    })
  }

  /** Applies `update` to the entity with this `$id`; NOT_FOUND if there is none. */
  async update(id: string, update: Update): Promise<Entity> {
    this.assertWritable()
    return this.keyed(async () => {
      const before = await this.get(id)
      if (!before) throw new ParqueDBError('NOT_FOUND', `${this.label}: no entity with $id "${id}"`, { id })
      const patched = applyUpdate(before, update, this.label)
      const [after] = validateRows(this.schema, [patched], { variantText: true }) as Entity[]
      const entity = after as Entity
      entity.$id = before.$id
      entity.createdAt = before.createdAt
      entity.updatedAt = new Date(Math.max(Date.now(), before.updatedAt.getTime()))
      await this.write({ t: 'update', rows: [entity], before: [storedRow(this.schema, before)] })
      return materializeRow(this.schema, entity) as Entity
    })
  }

  /** Deletes the entity with this `$id`; resolves false if there was none. */
  async delete(id: string): Promise<boolean> {
    this.assertWritable()
    return this.keyed(async () => {
      const before = await this.get(id)
      if (!before) return false
      await this.write({ t: 'delete', before: [storedRow(this.schema, before)] })
      return true
    })
  }

  /**
   * Upserts (insert, or replace the entity with the same `$id`) and deletes by id, acknowledged
   * as one write: the shape of the changes view maintenance produces. Upserts need their `$id`;
   * an id both upserted and deleted in one batch is an error. Deleting an absent id is a no-op.
   */
  async applyBatch(batch: { upserts?: readonly Row[]; deleteIds?: readonly string[] }): Promise<void> {
    this.assertWritable()
    const upserts = validateRows(this.schema, batch.upserts ?? [], { variantText: true }) as Entity[]
    const deleteIds = [...new Set(batch.deleteIds ?? [])]
    if (upserts.length === 0 && deleteIds.length === 0) return
    const ids = new Set<string>()
    for (const row of upserts) {
      if (typeof row.$id !== 'string') throw new ParqueDBError('VALIDATION', `${this.label}: applyBatch: every upsert needs its $id`)
      if (ids.has(row.$id)) throw new ParqueDBError('VALIDATION', `${this.label}: applyBatch: $id "${row.$id}" is upserted twice`, { id: row.$id })
      ids.add(row.$id)
    }
    for (const id of deleteIds) {
      if (ids.has(id)) throw new ParqueDBError('VALIDATION', `${this.label}: applyBatch: $id "${id}" is both upserted and deleted`, { id })
    }
    await this.backpressure()
    return this.keyed(async () => {
      const current = await this.currentRows(new Set([...ids, ...deleteIds]))
      const now = new Date()
      const record: Extract<WalRecord, { t: 'batch' }> = { t: 'batch', inserts: [], updates: [], before: [], deletes: [] }
      for (const row of upserts) {
        const before = current.get(row.$id)
        row.createdAt ??= (before?.createdAt as Date | undefined) ?? now
        row.updatedAt ??= now
        if (before) {
          record.updates.push(row)
          record.before.push(before)
        } else {
          record.inserts.push(row)
        }
      }
      for (const id of deleteIds) {
        const before = current.get(id)
        if (before) record.deletes.push(before)
      }
      await this.write(record)
    })
  }

  /**
   * Replaces the whole contents with `rows` in one commit (a full refresh): a reader sees the old
   * contents or the new, never a mix. Writes acknowledged before the call are replaced too; it is
   * meant for tables with one writer (a view's), as concurrent updates may survive it. The
   * changelog cannot be read across such a commit (EXPIRED): its consumers start over.
   */
  async replaceContents(rows: readonly Row[], options: { lineage?: Record<string, number> } = {}): Promise<void> {
    this.assertWritable()
    const stored = validateRows(this.schema, rows, { variantText: true }) as Entity[]
    const now = new Date()
    for (const row of stored) {
      row.$id ??= this.nextId(now.getTime())
      row.createdAt ??= now
      row.updatedAt ??= now
    }
    await this.keyed(async () => {
      if (this.derived) {
        // The new contents supersede whatever a derived table still had pending.
        await this.idle()
        this.active = new Memtable()
        this.frozen = null
        this.lastCommitted = null
      } else {
        await this.flush()
      }
      const replaced = new Set((await this.refresh()).files.keys())
      const chunk = this.policy.maxRows * 4
      const added: DataFile[] = []
      for (let start = 0; start < stored.length; start += chunk) added.push(await this.writeDataFile('data/', stored.slice(start, start + chunk), 'insert'))
      const published = await publishCommit(this.log, () => this.refresh(), this.label, (base) => ({
        writer: this.writerId,
        operation: 'replace',
        dataChange: true,
        add: added,
        remove: [...base.files.keys()].filter((path) => replaced.has(path)),
        ...(options.lineage ? { lineage: options.lineage } : {}),
      }))
      if (published) this.adopt(published)
    })
  }

  /** The current stored-form rows of these ids (memtable first, then files); absent ids are left out. */
  private async currentRows(ids: ReadonlySet<string>): Promise<Map<string, Row>> {
    await this.refresh()
    const found = new Map<string, Row>()
    const inFiles = new Set<string>()
    for (const id of ids) {
      const entry = this.active.entries.get(id) ?? this.frozen?.entries.get(id) ?? this.lastCommitted?.entries.get(id)
      if (entry) {
        if (entry.row) found.set(id, entry.row)
      } else {
        inFiles.add(id)
      }
    }
    for (const [id, { row }] of await locateRows(this.reader, this.snapshot, inFiles, { rows: true })) if (row) found.set(id, row)
    return found
  }

  /**
   * The acknowledged changes not yet committed (the memtables), net, as one change: what a
   * follower that has consumed the committed changelog still has to apply.
   */
  pendingChanges(): LiveChange {
    return netChange(this.schema, [this.frozen, this.active])
  }

  /**
   * The uncommitted changes split at the flush under way: `frozen` (being committed now; null
   * when no flush runs) and `active` (relative to the frozen state). A follower that starts over
   * mid-flush applies the frozen part, freezes, then applies the rest.
   */
  pendingParts(): { frozen: LiveChange | null; active: LiveChange; atFreeze: ReadView | null } {
    return {
      frozen: this.frozen ? memtableChange(this.schema, this.frozen) : null,
      active: memtableChange(this.schema, this.active),
      // The table as it stood when the running flush froze: committed files plus the frozen part.
      atFreeze: this.frozen ? captureReadView(this.snapshot, [this.frozen]) : null,
    }
  }

  /**
   * Receives every write, in order, in the same step the memtable takes it (its acknowledgement
   * follows once the WAL has it). With `columns`, rows carry just those (a view reads a few
   * columns of wide events: parsing every variant of every row would cost more than the view).
   * Returns the unsubscribe function.
   */
  onChange(listener: (change: LiveChange) => void, options: { columns?: readonly string[] } = {}): () => void {
    const { columns } = options
    const entry: ChangeListener = {
      listener,
      materialize:
        columns === undefined
          ? (row) => materializeRow(this.schema, row)
          : columns.length === 0
            ? () => NO_COLUMNS // "something changed" is all such a listener needs
            : (row, parsed) => materializeColumns(this.schema, row, columns, parsed),
    }
    this.listeners.add(entry)
    return () => this.listeners.delete(entry)
  }

  /**
   * Applies a record to the memtable and appends it to the WAL in the same synchronous step, so
   * the memtable and the WAL see writes in one order; resolves once the record is durable.
   */
  private async write(record: WalRecord): Promise<void> {
    if (this.derived) {
      // A derived table is rebuilt from its source after a crash, never from a log of its own:
      // encoding one would be work for nothing.
      this.applyRecord(record)
      this.notify(record)
      return
    }
    const bytes = this.codec.encode(record)
    const durable = this.wal.append(bytes)
    this.applyRecord(record)
    // Followers hear of a write in the same step the memtable takes it, so "changes received"
    // always equals "table state" (see docs/design/views.md).
    this.notify(record)
    try {
      await durable
    } catch (cause) {
      // The memtable now holds a write the WAL may not: refuse further writes until reopened.
      this.failure = cause
      throw new ParqueDBError('STORAGE', `${this.label}: the write-ahead log failed; reopen the database`, {}, { cause })
    }
    if (this.active.size >= this.policy.maxRows) void this.startFlush()
    else this.scheduleAgeFlush()
  }

  private applyRecord(record: WalRecord): void {
    const memtable = this.active
    if (record.t === 'insert') for (const row of record.rows) memtable.insert(row)
    else if (record.t === 'update') record.rows.forEach((row, index) => memtable.update(row, record.before[index] as Row))
    else if (record.t === 'delete') for (const before of record.before) memtable.delete(before)
    else {
      for (const row of record.inserts) memtable.insert(row)
      record.updates.forEach((row, index) => memtable.update(row, record.before[index] as Row))
      for (const before of record.deletes) memtable.delete(before)
    }
  }

  private notify(record: WalRecord): void {
    if (this.listeners.size === 0) return
    const inserts = record.t === 'batch' ? [...record.inserts, ...record.updates] : record.t === 'delete' ? [] : record.rows
    const deletes = record.t === 'batch' ? [...record.before, ...record.deletes] : record.t === 'insert' ? [] : record.before
    // Listeners reading the same variant columns (views over one source) share one parse of each
    // value: they read what a write holds, never change it.
    const parsed = new Map<VariantText, unknown>()
    for (const { listener, materialize } of this.listeners) {
      listener({ inserts: inserts.map((row) => materialize(row, parsed)), deletes: deletes.map((row) => materialize(row, parsed)) })
    }
  }

  /** Runs writes that read before they write (updates, deletes, inserts with given ids) one at a time. */
  private keyed<T>(work: () => Promise<T>): Promise<T> {
    const result = this.keyedWrites.then(work)
    this.keyedWrites = result.catch(() => undefined)
    return result
  }

  private async assertNewIds(entities: readonly Entity[]): Promise<void> {
    const ids = new Set<string>()
    for (const entity of entities) {
      if (ids.has(entity.$id)) throw new ParqueDBError('VALIDATION', `${this.label}: $id "${entity.$id}" appears twice in the batch`, { id: entity.$id })
      ids.add(entity.$id)
    }
    const view = this.currentView()
    for (const row of view.pending) {
      if (ids.has(row.$id as string)) throw duplicate(this.label, row.$id as string)
    }
    const found = await locateRows(this.reader, view.snapshot, ids, { rows: false })
    for (const id of found.keys()) if (!view.shadowed.has(id)) throw duplicate(this.label, id)
  }

  private assertWritable(): void {
    if (this.closed) throw new ParqueDBError('CLOSED', `${this.label}: the database is closed`)
    if (this.failure) throw new ParqueDBError('STORAGE', `${this.label}: a previous write failed; reopen the database`, {}, { cause: this.failure })
  }

  /** Bounds memory: when a flush is running and twice the flush size is pending, writers wait. */
  private async backpressure(): Promise<void> {
    while (this.flushing && this.active.size >= 2 * this.policy.maxRows) await this.flushing
  }

  // ---------------------------------------------------------------------------------- reads

  /** The entity with this `$id`, or null. */
  async get(id: string): Promise<Entity | null> {
    await this.refresh()
    for (const memtable of [this.active, this.frozen]) {
      const entry = memtable?.entries.get(id)
      if (entry) return entry.row ? (materializeRow(this.schema, entry.row) as Entity) : null
    }
    const row = (await locateRows(this.reader, this.snapshot, new Set([id]), { rows: true })).get(id)?.row
    return row ? (materializeRow(this.schema, row) as Entity) : null
  }

  /** A consistent view of the table: the newest commits (also other writers') plus the memtables. */
  async view(asOf?: number | Date): Promise<ReadView> {
    if (asOf !== undefined) {
      const latest = await this.refresh()
      const snapshot = typeof asOf === 'number' ? await this.log.atVersion(asOf) : await this.log.atTime(asOf, latest)
      return { snapshot, pending: [], shadowed: new Set() }
    }
    await this.refresh()
    return this.currentView()
  }

  /** The newest snapshot this process has seen: no log refresh, no memtable capture. */
  get committed(): Snapshot {
    return this.snapshot
  }

  /** True while acknowledged writes wait for a flush. */
  get hasPending(): boolean {
    return this.active.size > 0 || (this.frozen?.size ?? 0) > 0
  }

  /** The table as this process sees it right now, captured synchronously (no log refresh). */
  currentView(): ReadView {
    return captureReadView(this.snapshot, [this.frozen, this.active])
  }

  /** Picks up commits published by other writers. */
  async refresh(): Promise<Snapshot> {
    // A derived table has one writer, its view in this process: its snapshot is always current.
    if (this.derived) return this.snapshot
    this.adopt(await this.log.latest(this.snapshot))
    return this.snapshot
  }

  /**
   * Moves to a newer snapshot. If it contains the commit of the frozen memtable, the memtable is
   * dropped in the same step, so no reader ever sees its rows twice or not at all.
   */
  /** Moves to a snapshot this process published itself outside the write path (a compaction). */
  adoptPublished(snapshot: Snapshot): void {
    this.adopt(snapshot)
  }

  private adopt(snapshot: Snapshot): void {
    if (snapshot.version <= this.snapshot.version) return
    this.snapshot = snapshot
    const mark = snapshot.walMarks[this.writerId]
    if (this.frozen && mark !== undefined && mark >= this.frozenMark) this.frozen = null
  }

  /** The committed version this table has seen last. */
  get version(): number {
    return this.snapshot.version
  }

  /**
   * Finds rows by id in a snapshot's files: only files whose `$id` range covers one of the ids
   * are opened, and only their `$id` column unless `allColumns`.
   */
  // ---------------------------------------------------------------------------------- flushing

  /** Writes everything acknowledged so far to Parquet and commits it. */
  async flush(): Promise<void> {
    if (this.derived) {
      throw new ParqueDBError('VALIDATION', `${this.label}: a derived table flushes in step with its source (freeze, then commitFrozen)`)
    }
    // A flush in progress covers only what was frozen when it began: run another for the rest.
    while (this.flushing) await this.flushing
    if (this.active.size > 0 || this.frozen) await this.startFlush()
  }

  /** A derived table (a view's output) flushes only in step with its source. */
  get isDerived(): boolean {
    return this.derived
  }

  /** True while a memtable is frozen or being flushed. */
  get flushInProgress(): boolean {
    return this.frozen !== null || this.flushing !== null
  }

  /** Resolves when no flush is running (without starting one). */
  async idle(): Promise<void> {
    while (this.flushing) await this.flushing.catch(() => undefined)
  }

  private startFlush(): Promise<void> {
    if (this.flushing) return this.flushing
    clearTimeout(this.ageTimer)
    this.ageTimer = undefined
    this.flushing = this.flushFrozen().finally(() => {
      this.flushing = null
      if (this.derived) return
      if (this.active.size >= this.policy.maxRows) void this.startFlush()
      else if (this.active.size > 0) this.scheduleAgeFlush()
    })
    return this.flushing
  }

  private async flushFrozen(lineage?: Record<string, number>): Promise<void> {
    if (!this.frozen) this.freezeActive()
    await this.freezing
    const memtable = this.frozen as Memtable
    const mark = this.frozenMark
    const snapshot = await this.commitMemtable(memtable, mark, lineage)
    if (snapshot) this.adopt(snapshot)
    if (this.frozen === memtable) this.frozen = null
    if (this.derived) this.lastCommitted = memtable
    await this.wal.discardBefore(mark)
    // Followers commit their matching part now, inside this flush: they never fall a flush behind.
    await Promise.all([...this.flushListeners].map((listener) => listener({ phase: 'commit', version: this.snapshot.version })))
  }

  /**
   * Swaps in a fresh memtable and rotates the WAL in one synchronous step, so exactly the frozen
   * records precede the new mark (the commit carries it, and replay skips what it covers).
   * Followers freeze in the same step. A frozen memtable still waiting (a failed flush) absorbs
   * the active one instead.
   */
  private freezeActive(): void {
    const rotation = this.wal.rotate()
    if (this.frozen) this.frozen.absorb(this.active)
    else this.frozen = this.active
    this.active = new Memtable()
    this.frozenMark = Number.POSITIVE_INFINITY // no snapshot can contain it before it is known
    for (const listener of this.flushListeners) void listener({ phase: 'freeze' })
    this.freezing = rotation.then((mark) => {
      this.frozenMark = mark
    })
  }

  /** Derived tables: freezes what the pending changes so far, in step with the source's freeze. */
  freeze(): void {
    this.freezeActive()
  }

  /** Derived tables: commits the frozen part, recording the source versions it reflects. */
  async commitFrozen(lineage: Record<string, number>): Promise<void> {
    while (this.flushing) await this.flushing.catch(() => undefined)
    this.flushing = this.flushFrozen(lineage).finally(() => {
      this.flushing = null
    })
    await this.flushing
  }

  /** Follow this table's flushes: 'freeze' is called synchronously, 'commit' is awaited. */
  onFlush(listener: (event: FlushEvent) => void | Promise<void>): () => void {
    this.flushListeners.add(listener)
    return () => this.flushListeners.delete(listener)
  }

  /** Commits a frozen memtable; retries against commits other writers published meanwhile. */
  private async commitMemtable(memtable: Memtable, walMark: number, lineage?: Record<string, number>): Promise<Snapshot | undefined> {
    const inserts: Row[] = []
    const before: Row[] = []
    const retracted = new Set<string>()
    for (const [id, entry] of memtable.entries) {
      if (entry.row) inserts.push(entry.row)
      if (entry.before) {
        before.push(entry.before)
        retracted.add(id)
      }
    }
    const added: DataFile[] = []
    if (inserts.length > 0) added.push(await this.writeDataFile('data/', inserts, 'insert'))
    const deletes = before.length > 0 ? await this.writeDataFile('_changes/', before, 'insert') : undefined
    if (added.length === 0 && !deletes) {
      // Everything cancelled out; a derived table still records how far its source has come.
      if (!lineage) return undefined
      return publishCommit(this.log, () => this.refresh(), this.label, () => ({ writer: this.writerId, operation: 'write', dataChange: false, add: [], remove: [], walMark, lineage }))
    }

    // Rows updated or deleted leave the files holding them: those are rewritten without them,
    // against whatever snapshot the commit ends up built on (other writers may have moved on).
    const rewrites = new Map<string, DataFile | null>()
    let affected: DataFile[] = []
    const published = await publishCommit(this.log, () => this.refresh(), this.label, async (base) => {
      const located = retracted.size > 0 ? await locateRows(this.reader, base, retracted, { rows: false }) : new Map<string, { file: DataFile }>()
      affected = [...new Set([...located.values()].map((hit) => hit.file))]
      for (const file of affected) {
        if (!rewrites.has(file.path)) rewrites.set(file.path, await this.rewriteWithout(file, retracted))
      }
      return {
        writer: this.writerId,
        operation: 'write',
        dataChange: true,
        add: [...added, ...affected.map((file) => rewrites.get(file.path)).filter((file): file is DataFile => !!file)],
        remove: affected.map((file) => file.path),
        deletes: deletes && { path: deletes.path, rows: deletes.rows, bytes: deletes.bytes },
        walMark,
        ...(lineage ? { lineage } : {}),
      }
    })
    if (!published) return undefined
    this.adopt(published)
    const used = new Set(affected.map((file) => file.path))
    for (const [path, file] of rewrites) if (file && !used.has(path)) await this.storage.delete(this.prefix + file.path)
    return published
  }

  /** A copy of `file` without the rows whose ids are in `removed`, or null if none remain. */
  private async rewriteWithout(file: DataFile, removed: ReadonlySet<string>): Promise<DataFile | null> {
    const rows = await this.reader.readRows(file.path, file.bytes)
    const kept = rows.filter((row) => !removed.has(row.$id as string))
    return kept.length > 0 ? this.writeDataFile('data/', kept, 'rewrite') : null
  }

  /** Encodes rows to a new, uniquely named Parquet file and stores it (not yet committed). */
  async writeDataFile(folder: string, rows: Row[], role: DataFile['role']): Promise<DataFile> {
    const { bytes, rowCount, stats } = await this.encoder(this.schema, rows, { rowGroupSize: this.policy.rowGroupSize })
    const path = `${folder}${this.nextId()}.parquet`
    await this.storage.put(this.prefix + path, bytes, { ifNoneMatch: '*' })
    return { path, role, rows: rowCount, bytes: bytes.byteLength, stats }
  }

  private scheduleAgeFlush(): void {
    if (this.ageTimer || this.closed || this.derived || this.active.size === 0) return
    this.ageTimer = setTimeout(() => {
      this.ageTimer = undefined
      void this.startFlush().catch(() => undefined) // retried by the next write or flush()
    }, this.policy.maxAgeMs)
    // A pending age flush must not keep a Node process alive; close() flushes anyway.
    const timer = this.ageTimer as { unref?: () => void }
    timer.unref?.()
  }

  /** Flushes, then refuses further use. */
  async close(): Promise<void> {
    if (this.closed) return
    // A derived table's pending rows are rebuilt from its source after a restart.
    if (!this.failure && !this.derived) await this.flush()
    this.closed = true
    clearTimeout(this.ageTimer)
    await this.wal.close()
  }

  /** Internal pieces the maintenance and read modules share. */
  get internals() {
    return { storage: this.storage, prefix: this.prefix, writerId: this.writerId, keyed: this.keyed.bind(this) }
  }
}

function duplicate(label: string, id: string): ParqueDBError {
  return new ParqueDBError('VALIDATION', `${label}: an entity with $id "${id}" already exists`, { id })
}
