import type { Filter, FindOptions } from '../query/types.ts'
import type { Entity } from '../schema/types.ts'
import type { ViewState } from './materialized-view.ts'
import type { ViewRows, ViewSet } from './view-set.ts'

/**
 * One view as readers see it (`db.views.DailySales`, `db.DailySales`): the read side of a
 * collection, with the same filters and options, plus the view's state and refresh.
 *
 * @example
 * const top = await db.views.DailySales.find({ status: 'paid' }, { sort: { revenue: -1 }, limit: 10 })
 */
export class ViewHandle {
  readonly name: string
  readonly #views: ViewSet

  constructor(views: ViewSet, name: string) {
    this.#views = views
    this.name = name
  }

  /** Rows of the view; a streaming view first applies every write its source acknowledged. */
  find(filter?: Filter, options?: FindOptions): Promise<ViewRows> {
    return this.#views.find(this.name, filter, options)
  }

  /** The first row `find` would return, or null. */
  async findOne(filter?: Filter, options?: Omit<FindOptions, 'limit'>): Promise<Entity | null> {
    return (await this.find(filter, { ...options, limit: 1 }))[0] ?? null
  }

  /** The row with this `$id` (a group's id for grouped views), or null. */
  get(id: string): Promise<Entity | null> {
    return this.findOne({ $id: id })
  }

  /** How many rows match. */
  async count(filter?: Filter): Promise<number> {
    return (await this.find(filter, { project: ['$id'] })).length
  }

  state(): ViewState {
    return this.#views.get(this.name).state()
  }

  refresh(options?: { full?: boolean }): Promise<void> {
    return this.#views.get(this.name).refresh(options)
  }
}

/** `db.views` with each view as a property: `db.views.DailySales.find(...)`. Methods of ViewSet win over view names. */
export type ViewsByName = ViewSet & { readonly [view: string]: ViewHandle }

/**
 * Wraps a ViewSet so that `views.<Name>` is that view's handle. Members of the set (`find`,
 * `list`, `drain`, ...) keep their meaning; a view named like one is reached with `handle(name)`.
 */
export function viewsByName(views: ViewSet): ViewsByName {
  const handles = new Map<string, ViewHandle>()
  return new Proxy(views, {
    get(target, property) {
      if (typeof property === 'string' && !(property in target) && target.has(property)) {
        let handle = handles.get(property)
        if (handle === undefined) handles.set(property, (handle = new ViewHandle(target, property)))
        return handle
      }
      const value: unknown = Reflect.get(target, property, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
    has(target, property) {
      return (typeof property === 'string' && target.has(property)) || Reflect.has(target, property)
    },
  }) as ViewsByName
}
