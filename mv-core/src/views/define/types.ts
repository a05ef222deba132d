import type { CompiledFilter } from '../../query/types.ts'
import type { CollectionSchema, Row } from '../../schema/types.ts'
import type { Aggregate } from '../aggregates/types.ts'

/**
 * The shapes `parseView` produces. A ViewPlan is validated once and deeply frozen: the pipeline,
 * maintenance and storage read it and never look at the raw definition again.
 */

/** What `parseView` resolves `$from` against: the collections and the raw definitions of the views. */
export interface ViewCatalog {
  readonly collections: ReadonlyMap<string, CollectionSchema>
  /** Raw view definitions by name (the view being parsed may be among them or not). */
  readonly views: ReadonlyMap<string, unknown>
}

export type RefreshMode = 'streaming' | 'scheduled' | 'manual'
export type RefreshStrategy = 'replace' | 'append'

/** `$refresh` after validation. Streaming views carry no strategy; the others default to 'replace'. */
export interface RefreshPlan {
  readonly mode: RefreshMode
  /** Cron text for mode 'scheduled' (checked for shape later, by the scheduler). */
  readonly schedule?: string
  /** The canonical IANA name of `$refresh.timezone`, when given. */
  readonly timeZone?: string
  readonly strategy?: RefreshStrategy
  /** `gracePeriod` ('15m') in milliseconds. */
  readonly gracePeriodMs?: number
}

/** Time-bucket group keys: `{ hour: '$timestamp' }`. 'date' gives the calendar day as 'YYYY-MM-DD'. */
export type BucketUnit = 'minute' | 'hour' | 'day' | 'date' | 'week' | 'month'

/** One relation hop of an `$expand` path. */
export interface ExpandStep {
  /** The relation field on `from` ('customer', 'items'). */
  readonly field: string
  readonly direction: 'forward' | 'reverse'
  /** The collection the hop starts from. */
  readonly from: string
  /** The collection it reaches. */
  readonly target: string
  /** The hop can reach several entities (a reverse '[]' relation, or a forward list not unnested). */
  readonly many: boolean
  /**
   * Reverse hops: the forward relation on `target` that points back at `from`. Undefined when
   * `target` declares none (the plan's warnings say so): the hop then finds no entities.
   */
  readonly via?: string
}

/** A column an expansion adds to the working row: `name` holds `field` of the path's target. */
export interface ExpandColumn {
  readonly name: string
  readonly field: string
}

/**
 * One `$expand` path. The working row gains `columns`, named `<prefix>_<field>`. When a hop is
 * `many`, the source row becomes one working row per reached entity (a left join: none reached
 * gives one row of nulls); a view has at most one such fan-out, shared by all its paths.
 */
export interface ExpandPlan {
  /** 'customer', 'items.product'. */
  readonly path: string
  readonly steps: readonly ExpandStep[]
  /** 'customer', 'items_product', or the `$flatten` rename ('buyer'). */
  readonly prefix: string
  /** The target's stored fields (not its system columns), in declaration order. */
  readonly columns: readonly ExpandColumn[]
  /** Added because `$select`, `$groupBy` or `$compute` read through the relation ('customer.tier'). */
  readonly implicit: boolean
}

/** `$unnest`: the list field that holds one element per output row. */
export interface UnnestPlan {
  readonly field: string
  /** The field string of one element ('variant?' for a 'variant[]' field). */
  readonly element: string
}

/** One `$select` output field. */
export interface SelectField {
  readonly name: string
  readonly evaluate: (row: Row) => unknown
  /** Top-level working-row fields the expression reads. */
  readonly fields: readonly string[]
}

/**
 * How a group key reads its value: 'field' one working-row column ('status', or 'customer_tier'
 * for 'customer.tier'), 'path' JSON below a column ('event.request.method'), 'expression' a
 * `{ name: expression }` entry, 'bucket' a time bucket of an expression.
 */
export type GroupKeyKind = 'field' | 'path' | 'expression' | 'bucket'

export interface BucketSpec {
  readonly unit: BucketUnit
  readonly timeZone: string
  /** The working-row field bucketed, when the expression is a plain reference ('$timestamp'); lets maintenance turn a bucket into a range filter. */
  readonly field?: string
}

/** One `$groupBy` entry. */
export interface GroupKey {
  readonly name: string
  readonly kind: GroupKeyKind
  /** The key of a working row: null for missing values; a Date for buckets, 'YYYY-MM-DD' for 'date'. */
  readonly evaluate: (row: Row) => unknown
  readonly fields: readonly string[]
  /** 'field' and 'path' keys: the working-row path read ('event.request.method', 'customer_tier'). */
  readonly path?: string
  readonly bucket?: BucketSpec
}

/** One `$compute` entry. */
export interface ComputeField {
  readonly name: string
  readonly aggregate: Aggregate
}

/**
 * A parsed view. Stages run in this order over each source row: `filter` → `unnest` → `expand`
 * → `select` (kind 'rows') or `groupBy`/`compute` (kind 'groups'). Without `select`, a 'rows'
 * view copies every stored source field plus the expanded columns.
 */
export interface ViewPlan {
  readonly name: string
  /** `$type`, else the view name. */
  readonly typeName: string
  readonly source: string
  readonly sourceKind: 'collection' | 'view'
  /** The schema rows are read with: the collection's, or the source view's without hidden columns. */
  readonly sourceSchema: CollectionSchema
  /** A frozen deep copy of the raw definition. */
  readonly definition: Readonly<Record<string, unknown>>
  /** FNV-1a 64 of the canonical JSON of the definition (key order does not matter), 16 hex digits. */
  readonly hash: string
  readonly filter?: CompiledFilter
  readonly unnest?: UnnestPlan
  /** Explicit paths in `$expand` order, then implicit ones in first-use order. */
  readonly expand: readonly ExpandPlan[]
  /** `$flatten` as given: expand path → prefix. */
  readonly flatten: Readonly<Record<string, string>>
  readonly select?: readonly SelectField[]
  readonly groupBy?: readonly GroupKey[]
  readonly compute?: readonly ComputeField[]
  readonly refresh: RefreshPlan
  /** `$timezone`, else `$refresh.timezone`, else 'UTC': where time buckets are cut. */
  readonly timeZone: string
  readonly kind: 'rows' | 'groups'
  /** Source columns the view reads, in source column order ('$id' always): the projection. */
  readonly sourceFields: readonly string[]
  /** The view's own table. */
  readonly outputSchema: CollectionSchema
  /** Output columns users see, in order: outputSchema's columns without the system and hidden ones. */
  readonly outputFields: readonly string[]
  /** Columns of the table that are not for users: ['_state'] for grouped views (aggregate states as JSON). */
  readonly hiddenFields: readonly string[]
  /** Suspicious but valid parts (a field the source does not declare reads as null), each prefixed like an error. */
  readonly warnings: readonly string[]
}
