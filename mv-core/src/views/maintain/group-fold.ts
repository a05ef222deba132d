import type { Row } from '../../schema/types.ts'
import type { GroupAggregates, GroupState } from '../aggregates/group-state.ts'
import type { ViewPlan } from '../define/types.ts'
import type { GroupKeyValue } from '../pipeline/group-key-of.ts'
import { GroupKeys } from '../pipeline/group-keys.ts'
import type { RelatedRows } from '../pipeline/related-rows.ts'
import { orderKeyOf, workingRows, type WorkingRow } from '../pipeline/working-rows.ts'
import { groupRow } from './group-row.ts'
import { planGroupAggregates } from './plan-group-aggregates.ts'

/** The source columns folding a grouped view reads, and which of them may come as epoch milliseconds. */
export interface FoldColumns {
  readonly columns: readonly string[]
  /** Timestamp columns read only by time buckets, which take epoch milliseconds as well as Dates. */
  readonly millis: readonly string[]
}

/**
 * What folding a grouped view reads: the columns its filter, `$unnest`, keys and aggregates read,
 * plus `createdAt` and `$id` when `$first`/`$last` order by them. Narrower than
 * sourceProjection, which also serves row views (their output rows carry ids and timestamps).
 *
 * @example
 * foldColumns(scriptStats) // { columns: ['scriptName', 'wallTime', 'eventTimestamp'], millis: ['eventTimestamp'] }
 */
export function foldColumns(plan: ViewPlan): FoldColumns {
  const aggregates = planGroupAggregates(plan)
  const keys = plan.groupBy ?? []
  const bucketed = new Set(keys.flatMap((key) => (key.bucket?.field === undefined ? [] : [key.bucket.field])))
  const other = new Set<string>([...(plan.filter?.columns ?? []), ...keys.filter((key) => key.bucket?.field === undefined).flatMap((key) => key.fields), ...aggregates.fields])
  if (plan.unnest !== undefined) other.add(plan.unnest.field)
  if (aggregates.aggregates.some((aggregate) => aggregate.op === '$first' || aggregate.op === '$last')) other.add('createdAt').add('$id')
  const columns = plan.sourceSchema.columns.filter((column) => other.has(column.name) || bucketed.has(column.name))
  return {
    columns: columns.map((column) => column.name),
    millis: columns.filter((column) => column.kind === 'timestamp' && !column.array && !other.has(column.name)).map((column) => column.name),
  }
}

/**
 * A grouped view computed from scratch: every source row folded into fresh group states, then
 * one row per group holding at least one working row (a view without `$groupBy` has no row while
 * its source is empty). Nothing keeps the rows it is given, so a caller may hand it one object
 * refilled for every source row, as the columnar full refresh does.
 *
 * @example
 * const fold = new GroupFold(dailySales)
 * for (const order of orders) fold.add(order, NO_RELATED)
 * fold.rows() // [{ $id: '["2024-01-15","paid"]', date: '2024-01-15', status: 'paid', orderCount: 2, ... }, ...]
 */
export class GroupFold {
  readonly #plan: ViewPlan
  readonly #aggregates: GroupAggregates
  readonly #keys: GroupKeys
  readonly #ordered: boolean
  /** The source row is the working row: no `$unnest`, no `$expand`. */
  readonly #direct: boolean
  readonly #groups = new Map<string, { key: GroupKeyValue; state: GroupState }>()

  constructor(plan: ViewPlan) {
    this.#plan = plan
    this.#aggregates = planGroupAggregates(plan)
    this.#keys = new GroupKeys(plan)
    this.#ordered = this.#aggregates.aggregates.some((aggregate) => aggregate.op === '$first' || aggregate.op === '$last')
    this.#direct = plan.unnest === undefined && plan.expand.length === 0
  }

  add(sourceRow: Row, related: RelatedRows): void {
    if (this.#direct) {
      if (this.#plan.filter === undefined || this.#plan.filter.test(sourceRow)) this.#fold(sourceRow)
      return
    }
    for (const row of workingRows(this.#plan, sourceRow, related)) this.#fold(row)
  }

  #fold(row: WorkingRow): void {
    const key = this.#keys.of(row)
    let group = this.#groups.get(key.id)
    if (group === undefined) {
      group = { key, state: this.#aggregates.init() }
      this.#groups.set(key.id, group)
    }
    group.state = this.#aggregates.add(group.state, row, 1, this.#ordered ? orderKeyOf(row) : undefined)
  }

  rows(): Row[] {
    const aggregates = this.#aggregates
    return [...this.#groups.values()].filter((group) => !aggregates.isEmpty(group.state)).map((group) => groupRow(aggregates, group.key, group.state))
  }
}
