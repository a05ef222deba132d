import {
  Database,
  ParqueDBError,
  type CollectionFindOptions,
  type CollectionRows,
  type CommittedChange,
  type Entity,
  type Filter,
  type FindOptions,
  type OpenDatabase,
  type QueryRoute,
  type SqlRows,
  type StreamProcessorOptions,
  type StreamProcessorStats,
  type Update,
  type ViewDefinition,
  type ViewRows,
  type ViewState,
} from '@parquedb/mv-core'
import { composeSchema } from './compose-schema.ts'
import type { Plugin } from './plugin.ts'
import type { CollectionNames, EntityOf, InputOf, SchemaInput, SystemFields, ViewNames } from './schema-types.ts'
import { resolveStorage, type ResolvedStorage, type StorageConfig } from './storage-config.ts'
import { ingestOf } from './with-ingest.ts'

export interface DBOptions<P extends readonly Plugin[] = readonly Plugin[]> {
  storage: StorageConfig
  /** Integrations and view packs (definePlugin), loaded in order. */
  plugins?: P
  /** Scheduled views run on timers here ('timers', default) or through runDueRefreshes ('external', Workers cron). */
  scheduler?: 'timers' | 'external'
  /** Names this process's commits; two processes writing one store need different ids. */
  writerId?: string
}

/** A collection of the database, typed from its definition: `db.Order`. */
export interface CollectionAccess<T extends SystemFields = Entity, I = Record<string, unknown>> {
  readonly name: string
  create(row: I): Promise<T>
  bulkCreate(rows: readonly I[]): Promise<T[]>
  update(id: string, update: Update): Promise<T>
  delete(id: string): Promise<boolean>
  get(id: string): Promise<T | null>
  /** Answered from a covering view when one saves work (`rows.meta` says which and why). */
  find(filter?: Filter, options?: CollectionFindOptions): Promise<T[] & { readonly meta: CollectionRows['meta'] }>
  findOne(filter?: Filter, options?: Omit<CollectionFindOptions, 'limit'>): Promise<T | null>
  count(filter?: Filter): Promise<number>
  explain(filter?: Filter, options?: CollectionFindOptions): Promise<QueryRoute>
  changes(fromVersion: number, toVersion?: number): AsyncGenerator<CommittedChange>
  version(): Promise<number>
  flush(): Promise<void>
}

/** A view of the database: `db.DailySales`, `db.views.DailySales`. */
export interface ViewAccess<T extends SystemFields = Entity> {
  readonly name: string
  /** Rows with `rows.meta`: served from the view or its source, and how fresh. */
  find(filter?: Filter, options?: FindOptions): Promise<T[] & { readonly meta: ViewRows['meta'] }>
  findOne(filter?: Filter, options?: Omit<FindOptions, 'limit'>): Promise<T | null>
  get(id: string): Promise<T | null>
  count(filter?: Filter): Promise<number>
  state(): Promise<ViewState>
  refresh(options?: { full?: boolean }): Promise<void>
}

/** A stream processor that starts once the database is open (`db.createStreamProcessor` is synchronous, as in the seeds). */
export interface StreamProcessorAccess {
  start(): Promise<void>
  stop(): Promise<void>
  stats(): StreamProcessorStats | undefined
}

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never
type PluginEntries<P extends readonly Plugin[]> = UnionToIntersection<{ [I in keyof P]: NonNullable<P[I]['collections']> & NonNullable<P[I]['views']> }[number]>

/** The database `DB()` returns: its collections and views as typed properties, plus the methods below. */
export type ParqueDB<S = SchemaInput> = DatabaseFacade & {
  readonly [K in CollectionNames<S>]: CollectionAccess<EntityOf<S[K]>, InputOf<S[K]>>
} & {
  readonly [K in ViewNames<S>]: ViewAccess
} & { readonly views: { readonly [K in ViewNames<S>]: ViewAccess } & { readonly [name: string]: ViewAccess | undefined } }

/**
 * Opens a database on a schema and plugins — synchronously, as the seeds write it; the opening
 * happens in the background and every call waits for it (`await db.ready()` to wait explicitly
 * and see an error at once). Collections and views are properties typed from the schema.
 *
 * @example
 * const db = DB({ Order: { total: 'decimal(10,2)!', status: 'string!' }, PaidOrders: { $from: 'Order', $filter: { status: 'paid' } } }, { storage: { type: 'fs', path: './data' } })
 * const order = await db.Order.create({ total: 19.99, status: 'paid' }) // order.total: number
 * const paid = await db.PaidOrders.find({}, { sort: { createdAt: -1 } })
 */
export function DB<const S extends SchemaInput, const P extends readonly Plugin[] = []>(schema: S, options: DBOptions<P>): ParqueDB<S & PluginEntries<P>> {
  if (typeof schema !== 'object' || schema === null) throw new ParqueDBError('SCHEMA', 'DB: the schema must be an object of collections and views')
  const plugins = options?.plugins ?? ([] as unknown as P)
  const composed = composeSchema(schema, plugins)
  return new DatabaseFacade(composed, options, plugins).asEntries() as ParqueDB<S & PluginEntries<P>>
}

export class DatabaseFacade {
  readonly plugins: readonly Plugin[]
  /** The composed schema: the user's entries and the plugins'. */
  readonly schema: Readonly<Record<string, unknown>>
  readonly #options: DBOptions
  #opening: Promise<{ db: OpenDatabase; resolved: ResolvedStorage }> | undefined
  #closed = false

  constructor(schema: Record<string, unknown>, options: DBOptions, plugins: readonly Plugin[]) {
    this.schema = Object.freeze(schema)
    this.#options = options
    this.plugins = plugins
  }

  /** Resolves once the database is open and every plugin's setup has run. */
  async ready(): Promise<OpenDatabase> {
    if (this.#closed) throw new ParqueDBError('CLOSED', 'the database is closed')
    this.#opening ??= this.#open()
    return (await this.#opening).db
  }

  async #open(): Promise<{ db: OpenDatabase; resolved: ResolvedStorage }> {
    const resolved = await resolveStorage(this.#options.storage)
    const db = await Database.open({
      storage: resolved.storage,
      wal: resolved.wal,
      schema: this.schema as Record<string, Record<string, unknown>>,
      ...(resolved.encoder ? { encoder: resolved.encoder } : {}),
      ...(this.#options.scheduler ? { scheduler: this.#options.scheduler } : {}),
      ...(this.#options.writerId ? { writerId: this.#options.writerId } : {}),
    })
    // Setups get the database as open already: waiting for this very opening would never end.
    const opened = new DatabaseFacade(this.schema as Record<string, unknown>, this.#options, this.plugins)
    opened.#opening = Promise.resolve({ db, resolved })
    for (const plugin of this.plugins) {
      try {
        await plugin.setup?.({ db: opened.asEntries() as never, plugin: plugin.name })
      } catch (error) {
        await db.close()
        await resolved.encoder?.close?.()
        throw new ParqueDBError('SCHEMA', `plugin "${plugin.name}": setup failed: ${error instanceof Error ? error.message : String(error)}`, { plugin: plugin.name }, { cause: error })
      }
    }
    return { db, resolved }
  }

  /** Where the data lives ('./data', 'memory', 'R2'), once open. */
  async where(): Promise<string> {
    await this.ready()
    return (await (this.#opening as Promise<{ resolved: ResolvedStorage }>)).resolved.where
  }

  collection(name: string): CollectionAccess {
    const ready = () => this.ready().then((db) => db.collection(name))
    // Collections fed by a producer's own records (TraceItems, spans) map them on the way in.
    const ingest = ingestOf(this.schema[name]) ?? ((row: unknown) => row as Record<string, unknown>)
    return {
      name,
      create: async (row) => (await ready()).create(ingest(row)),
      bulkCreate: async (rows) => {
        const collection = await ready()
        return collection.bulkCreate(Array.isArray(rows) ? rows.map(ingest) : rows)
      },
      update: async (id, update) => (await ready()).update(id, update),
      delete: async (id) => (await ready()).delete(id),
      get: async (id) => (await ready()).get(id),
      find: async (filter, options) => (await ready()).find(filter, options),
      findOne: async (filter, options) => (await (await ready()).find(filter, { ...options, limit: 1 }))[0] ?? null,
      count: async (filter) => (await (await ready()).find(filter, { project: ['$id'] })).length,
      explain: async (filter, options) => (await ready()).explain(filter, options),
      changes: (from, to) => changesOf(ready, from, to),
      version: async () => (await ready()).version(),
      flush: async () => (await ready()).flush(),
    }
  }

  view(name: string): ViewAccess {
    const ready = () => this.ready().then((db) => db.view(name))
    return {
      name,
      find: async (filter, options) => (await ready()).find(filter, options),
      findOne: async (filter, options) => (await ready()).findOne(filter, options),
      get: async (id) => (await ready()).get(id),
      count: async (filter) => (await ready()).count(filter),
      state: async () => (await ready()).state(),
      refresh: async (options) => (await ready()).refresh(options),
    }
  }

  async refreshView(name: string, options?: { full?: boolean }): Promise<void> {
    return (await this.ready()).refreshView(name, options)
  }

  async getViewState(name: string): Promise<ViewState> {
    return (await this.ready()).getViewState(name)
  }

  async listViews(): Promise<ViewState[]> {
    return (await this.ready()).listViews()
  }

  async dropView(name: string): Promise<void> {
    return (await this.ready()).dropView(name)
  }

  async alterView(name: string, patch: Readonly<Record<string, unknown>>): Promise<ViewState> {
    return (await this.ready()).alterView(name, patch)
  }

  async vacuumView(name: string, options?: { retentionDays?: number }) {
    return (await this.ready()).vacuumView(name, options)
  }

  async defineView(definition: ViewDefinition): Promise<ViewState> {
    return (await this.ready()).defineView(definition)
  }

  async registerView(nameOrDefinition: string | ViewDefinition, definition?: Readonly<Record<string, unknown>>): Promise<ViewState> {
    const db = await this.ready()
    return typeof nameOrDefinition === 'string' ? db.registerView(nameOrDefinition, definition ?? {}) : db.registerView(nameOrDefinition)
  }

  /** `` db.sql`SELECT ...` ``: see Database.sql. */
  async sql(strings: TemplateStringsArray | string, ...values: unknown[]): Promise<SqlRows> {
    return (await this.ready()).sql(strings, ...values)
  }

  async runDueRefreshes(now?: Date): Promise<string[]> {
    return (await this.ready()).runDueRefreshes(now)
  }

  async flush(): Promise<void> {
    return (await this.ready()).flush()
  }

  /** Feeds an adapter's events into the collection the views read; starts once the database is open. */
  createStreamProcessor(options: StreamProcessorOptions & { views: readonly (string | ViewDefinition)[] }): StreamProcessorAccess {
    let processor: ReturnType<OpenDatabase['createStreamProcessor']> | undefined
    return {
      start: async () => {
        processor ??= (await this.ready()).createStreamProcessor(options)
        await processor.start()
      },
      stop: async () => processor?.stop(),
      stats: () => processor?.stats,
    }
  }

  /** Names of the collections and views, the plugins' included (and the RefreshHistory system collection). */
  async entryNames(): Promise<string[]> {
    return (await this.ready()).entryNames
  }

  /** Flushes every collection and view, stops schedules and closes; safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    if (this.#opening === undefined) return
    const { db, resolved } = await this.#opening
    await db.close()
    await resolved.encoder?.close?.()
  }

  /** This facade with the schema's entries as properties (`db.Order`, `db.DailySales`). */
  asEntries(): DatabaseFacade {
    const isView = (name: string) => {
      const entry = this.schema[name]
      return typeof entry === 'object' && entry !== null && '$from' in entry
    }
    const views = new Proxy({} as Record<string, ViewAccess>, {
      get: (_, property) => (typeof property === 'string' ? this.view(property) : undefined),
    })
    const accessors = new Map<string, CollectionAccess | ViewAccess>()
    return new Proxy(this, {
      get: (target, property, receiver) => {
        if (property === 'views') return views
        if (typeof property === 'string' && !(property in target) && Object.hasOwn(this.schema, property)) {
          let accessor = accessors.get(property)
          if (accessor === undefined) {
            accessor = isView(property) ? this.view(property) : this.collection(property)
            accessors.set(property, accessor)
          }
          return accessor
        }
        const value: unknown = Reflect.get(target, property, receiver)
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
  }
}

async function* changesOf(ready: () => Promise<{ changes(from: number, to?: number): AsyncGenerator<CommittedChange> }>, from: number, to?: number): AsyncGenerator<CommittedChange> {
  yield* (await ready()).changes(from, to)
}
