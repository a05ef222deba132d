import { Collection } from './collection.ts'
import { ParqueDBError } from './errors.ts'
import { parseSchema } from './schema/parse-schema.ts'
import type { ParquetEncoder } from './parquet/encoder.ts'
import type { StorageDriver } from './storage/types.ts'
import { Table, type FlushPolicy } from './table/table.ts'
import { memoryWal } from './wal/memory.ts'
import type { ViewState } from './views/materialized-view.ts'
import type { ViewDefinition } from './views/define/define-view.ts'
import { ViewHandle, viewsByName, type ViewsByName } from './views/view-handle.ts'
import { ViewSet, type ViewSetOptions } from './views/view-set.ts'
import { QueryRouter } from './routing/query-router.ts'
import { runSql, type SqlRows } from './sql/run-sql.ts'
import { sqlText } from './sql/parse-sql.ts'
import { StreamProcessor, type StreamProcessorOptions } from './stream/stream-processor.ts'
import type { WalFactory } from './wal/types.ts'

/** A collection definition: field strings plus `$`-directives, e.g. `{ total: 'decimal(10,2)!' }`. */
export type CollectionDefinition = Readonly<Record<string, unknown>>

export interface DatabaseOptions {
  storage: StorageDriver
  schema: Readonly<Record<string, CollectionDefinition>>
  /** Where acknowledged writes wait for their flush (default: in memory, lost on exit). */
  wal?: WalFactory
  /**
   * Names this process's commits. Two processes writing one store need different ids (and
   * their own WALs); the same process must keep its id across restarts. Default 'main'.
   */
  writerId?: string
  flush?: Partial<FlushPolicy>
  /** Where flushes encode Parquet; on Node pass `workerEncoder()` to use another core. */
  encoder?: ParquetEncoder
  /**
   * Scheduled views run on timers in this process ('timers', the default), or only when
   * `runDueRefreshes(now)` is called ('external': a Workers cron trigger or alarm).
   */
  scheduler?: 'timers' | 'external'
  /** Scheduler tuning (jitter, backoff); mostly for tests. */
  schedulerOptions?: ViewSetOptions['schedulerOptions']
}

const COLLECTION_NAME = /^[A-Za-z][A-Za-z0-9_]{0,127}$/

/**
 * The system collection every database has: one row per view refresh (see RefreshRecord),
 * queryable like any collection and usable as a view's `$from`.
 */
export const REFRESH_HISTORY = 'RefreshHistory'
const REFRESH_HISTORY_DEFINITION = {
  view: 'string!',
  trigger: 'string!',
  mode: 'string!',
  kind: 'string!',
  reason: 'string!',
  rowsIn: 'int?',
  rowsOut: 'int?',
  startedAt: 'timestamp!',
  durationMs: 'double!',
  error: 'string?',
}

/**
 * An open database with its collections and views as properties too: `db.Order.find(...)`,
 * `db.DailySales.find(...)`. Members of Database win over entry names; `collection(name)` and
 * `views.<Name>` always reach an entry.
 */
export type OpenDatabase = Database & { readonly [entry: string]: Collection | ViewHandle }

/**
 * An open database: one table per collection of the schema.
 *
 * @example
 * const db = await Database.open({ storage: memoryStorage(), schema: { Order: { total: 'decimal(10,2)!' } } })
 * await db.collection('Order').create({ total: 9.5 })
 * await db.close()
 */
export class Database {
  private readonly collections: ReadonlyMap<string, Collection>
  /** The materialized views (schema entries with `$from`), each also a property: `db.views.DailySales.find(...)`. */
  readonly views: ViewsByName

  private constructor(collections: Map<string, Collection>, views: ViewSet) {
    this.collections = collections
    this.views = viewsByName(views)
  }

  static async open(options: DatabaseOptions): Promise<OpenDatabase> {
    const wal = options.wal ?? memoryWal()
    const writerId = options.writerId ?? 'main'
    const viewDefinitions = new Map<string, unknown>()
    const collectionEntries = Object.entries(options.schema).filter(([name, definition]) => {
      const isView = typeof definition === 'object' && definition !== null && '$from' in definition
      if (isView) viewDefinitions.set(name, definition)
      return !isView
    })
    const schemas = collectionEntries.map(([name, definition]) => {
      if (!COLLECTION_NAME.test(name)) {
        throw new ParqueDBError('SCHEMA', `collection "${name}": names start with a letter and hold only letters, digits and _`, { collection: name })
      }
      return parseSchema(name, definition)
    })
    if (Object.hasOwn(options.schema, REFRESH_HISTORY)) {
      throw new ParqueDBError('SCHEMA', `collection "${REFRESH_HISTORY}": the name is reserved for the database's refresh history`, { collection: REFRESH_HISTORY })
    }
    schemas.push(parseSchema(REFRESH_HISTORY, REFRESH_HISTORY_DEFINITION))
    const collections = new Map<string, Collection>()
    let router: QueryRouter | undefined
    for (const schema of schemas) {
      const table = await Table.open({
        storage: options.storage,
        wal: await wal(schema.name),
        schema,
        prefix: `${schema.name}/`,
        writerId,
        flush: options.flush,
        encoder: options.encoder,
      })
      collections.set(schema.name, new Collection(table, () => router))
    }
    const views = await ViewSet.open({
      storage: options.storage,
      collections: new Map([...collections].map(([name, collection]) => [name, collection.table])),
      definitions: viewDefinitions,
      writerId,
      encoder: options.encoder,
      scheduler: options.scheduler,
      schedulerOptions: options.schedulerOptions,
      history: collections.get(REFRESH_HISTORY)?.table,
    })
    router = new QueryRouter(new Map([...collections].map(([name, collection]) => [name, collection.table])), views)
    return entriesByName(new Database(collections, views))
  }

  /** Brings a view up to date now; `full` recomputes it from its source. */
  refreshView(name: string, options?: { full?: boolean }): Promise<void> {
    return this.views.get(name).refresh({ full: options?.full, trigger: 'manual' })
  }

  getViewState(name: string): ViewState {
    const schedule = this.views.scheduleOf(name)
    return { ...this.views.get(name).state(), ...(schedule === undefined ? {} : { schedule }) }
  }

  /** Runs the scheduled view refreshes due at `now` (default: now); resolves to the views that ran. */
  runDueRefreshes(now?: Date): Promise<string[]> {
    return this.views.runDueRefreshes(now)
  }

  listViews(): ViewState[] {
    return this.views.list()
  }

  /**
   * Adds a view to the open database, computed from its source at once:
   * `db.registerView('Errors', { $from: 'TailEvents', $filter: ... })`, or a definition named by
   * its `$type`: `db.registerView(defineView({ $type: 'Errors', $from: 'TailEvents', ... }))`.
   */
  registerView(name: string, definition: CollectionDefinition): Promise<ViewState>
  registerView(definition: ViewDefinition): Promise<ViewState>
  registerView(nameOrDefinition: string | ViewDefinition, definition?: CollectionDefinition): Promise<ViewState> {
    if (typeof nameOrDefinition === 'string') return this.views.register(nameOrDefinition, definition)
    const name = nameOrDefinition?.$type
    if (typeof name !== 'string' || name.trim() === '') {
      return Promise.reject(new ParqueDBError('SCHEMA', `registerView: name the view, as registerView('Name', definition) or with $type in the definition`))
    }
    return this.views.register(name, nameOrDefinition)
  }

  /** `db.defineView({ $type: 'MyView', $from: 'MyCollection', ... })`: registerView for a definition named by `$type`. */
  defineView(definition: ViewDefinition): Promise<ViewState> {
    return this.registerView(definition)
  }

  /**
   * Feeds events from an adapter into the collection the given views read, in batches, so they
   * stay current (see StreamProcessor). `views` are the definitions this database was given
   * (`defineView` results) or view names; they must all read one collection.
   *
   * @example
   * const processor = db.createStreamProcessor({ views: [WorkerLogs, WorkerErrors], adapter, batchSize: 100, flushIntervalMs: 5000 })
   * await processor.start()
   */
  createStreamProcessor(options: StreamProcessorOptions & { views: readonly (string | ViewDefinition)[] }): StreamProcessor {
    const fail = (message: string) => new ParqueDBError('VALIDATION', `createStreamProcessor: ${message}`)
    if (!Array.isArray(options?.views) || options.views.length === 0) throw fail('views must list at least one view (a definition given to this database, or its name)')
    const sources = new Set<string>()
    options.views.forEach((entry, index) => {
      const name = typeof entry === 'string' ? entry : this.views.nameOf(entry)
      if (name === undefined || !this.views.has(name)) {
        const shown = typeof entry === 'string' ? `"${entry}"` : `#${index}${typeof entry?.$type === 'string' ? ` (${entry.$type})` : ''}`
        throw fail(`view ${shown} is not part of this database: put it in the schema or registerView it first`)
      }
      sources.add(this.views.get(name).plan.source)
    })
    if (sources.size > 1) throw fail(`the views read different collections (${[...sources].join(', ')}); use one processor per collection`)
    const [source] = sources as Set<string>
    if (!this.collections.has(source as string)) throw fail(`the views read the view "${source}"; a processor writes events into a collection`)
    return new StreamProcessor(this.collection(source as string), () => this.views.drain(), options)
  }

  /**
   * A SELECT over one collection or view, as a tagged template: interpolated values are bound
   * parameters, never spliced text. It runs on the view engine (WHERE prunes files and row
   * groups; aggregation is a one-off grouped view); the rows carry `meta` like a view's answer.
   * Constructs the engine cannot run (joins, subqueries, window functions...) are refused by name.
   *
   * @example
   * const rows = await db.sql`SELECT scriptName, COUNT(*) AS total FROM TailEvents WHERE outcome = ${'ok'} GROUP BY scriptName`
   */
  sql(strings: TemplateStringsArray | string, ...values: unknown[]): Promise<SqlRows> {
    const views = this.views
    const collections = this.collections
    return Promise.resolve().then(() =>
      runSql(sqlText(strings, values), {
        views: views.catalog(),
        collection: (name) => collections.get(name)?.table,
        view: (name) => {
          if (!views.has(name)) return undefined
          const plan = views.get(name).plan
          return { schema: plan.outputSchema, hidden: plan.hiddenFields, find: (filter, options) => views.find(name, filter, options) }
        },
      }),
    )
  }

  /** The reader's handle of a view: `db.view('DailySales').find(...)`. NOT_FOUND for an unknown view. */
  view(name: string): ViewHandle {
    return this.views.handle(name)
  }

  /** Changes directives of a view: `alterView('Daily', { $refresh: { mode: 'manual' } })`. */
  alterView(name: string, patch: CollectionDefinition): Promise<ViewState> {
    return this.views.alter(name, patch)
  }

  /** Removes a view and its data; views reading it turn invalid. */
  dropView(name: string): Promise<void> {
    return this.views.drop(name)
  }

  vacuumView(name: string, options?: { retentionDays?: number }) {
    return this.views.vacuum(name, options)
  }

  /** The collection with this name; UNKNOWN_COLLECTION if the schema has none. */
  collection(name: string): Collection {
    const collection = this.collections.get(name)
    if (!collection) {
      throw new ParqueDBError('UNKNOWN_COLLECTION', `unknown collection "${name}" (known: ${[...this.collections.keys()].join(', ') || 'none'})`, {
        collection: name,
      })
    }
    return collection
  }

  get collectionNames(): string[] {
    return [...this.collections.keys()]
  }

  /** Flushes every collection's acknowledged writes to Parquet. */
  async flush(): Promise<void> {
    await Promise.all([...this.collections.values()].map((collection) => collection.flush()))
  }

  /** Names of the collections and views, in schema order. */
  get entryNames(): string[] {
    return [...this.collections.keys(), ...this.views.names()]
  }

  /** Flushes and closes every collection. */
  async close(): Promise<void> {
    await this.views.stopScheduling()
    // Sources flush first: their commits carry the views' pending parts along in lockstep.
    await this.views.drain()
    await Promise.all([...this.collections.values()].map((collection) => collection.table.close()))
    await this.views.close()
  }
}

/** The database with its entries reachable as properties (see OpenDatabase). */
function entriesByName(db: Database): OpenDatabase {
  return new Proxy(db, {
    get(target, property) {
      if (typeof property === 'string' && !(property in target)) {
        if (target.collectionNames.includes(property)) return target.collection(property)
        if (target.views.has(property)) return target.views[property]
      }
      const value: unknown = Reflect.get(target, property, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
    has(target, property) {
      return (typeof property === 'string' && target.entryNames.includes(property)) || Reflect.has(target, property)
    },
  }) as OpenDatabase
}
