import fc from 'fast-check'
import { expect } from 'vitest'
import { compileFilter } from '../../query/compile-filter.ts'
import { valuesEqual } from '../../query/values-equal.ts'
import type { Row } from '../../schema/types.ts'
import type { ViewPlan } from '../define/types.ts'
import { STATE_COLUMN } from '../define/output-name.ts'
import { RelatedIndex } from '../pipeline/related-index.ts'
import { NO_RELATED, type RelatedRows } from '../pipeline/related-rows.ts'
import { workingRows } from '../pipeline/working-rows.ts'
import { applyRowChanges } from './apply-row-changes.ts'
import { filterForGroup } from './filter-for-group.ts'
import { fullRefreshRows } from './full-refresh-rows.ts'
import { GroupMaintainer } from './group-maintainer.ts'
import type { GroupChanges, SourceChange } from './types.ts'

/**
 * Random workloads for the differential tests: source rows of the seed collections written,
 * rewritten and deleted in random batches, and the runners that maintain a view through them
 * incrementally and check it against a full refresh after every batch.
 */

const T0 = Date.UTC(2024, 0, 15, 0, 0, 0)
const MINUTE = 60_000

const minutes = (max: number) => fc.oneof(fc.integer({ min: 0, max: 180 }), fc.integer({ min: 0, max }))
const at = (minute: number) => new Date(T0 + minute * MINUTE)

/** Stored fields of a TailEvents row (ids and timestamps are added by the workload). */
export const tailEventFields: fc.Arbitrary<Row> = fc.record({
  scriptName: fc.constantFrom('api', 'web'),
  outcome: fc.constantFrom('ok', 'ok', 'exception', 'canceled'),
  eventTimestamp: minutes(3 * 1440).map(at),
  event: fc.oneof(
    fc.constant(null),
    fc.record({
      request: fc.record({ method: fc.constantFrom('GET', 'POST'), url: fc.constantFrom('/a', '/b'), cf: fc.record({ colo: fc.constantFrom('SJC', 'FRA'), country: fc.constantFrom('US', 'DE') }) }),
      response: fc.option(fc.record({ status: fc.constantFrom(200, 404, 500) })),
    }),
  ),
  logs: fc.array(fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 6, arbitrary: fc.record({ level: fc.constantFrom('info', 'warn', 'error'), message: fc.constantFrom('a', 'b', 'c'), timestamp: fc.integer({ min: 0, max: 5 }) }) }), { maxLength: 3 }),
  exceptions: fc.oneof(fc.constant([]), fc.array(fc.record({ name: fc.constantFrom('TypeError', 'Error'), message: fc.constantFrom('x', 'y') }), { minLength: 1, maxLength: 2 })),
})

export const aiRequestFields: fc.Arbitrary<Row> = fc.record({
  modelId: fc.constantFrom('gpt', 'claude'),
  providerId: fc.constantFrom('openai', 'anthropic'),
  requestType: fc.constant('chat'),
  tokens: fc.option(fc.oneof(fc.constantFrom(0, 100), fc.integer({ min: 0, max: 5000 }))),
  latencyMs: fc.oneof(fc.constantFrom(10, 50, 100), fc.integer({ min: 1, max: 2000 })),
  cached: fc.boolean(),
  error: fc.option(fc.record({ message: fc.constantFrom('rate limited', 'timeout') }), { freq: 3 }),
  timestamp: minutes(3 * 1440).map(at),
})

export const evalScoreFields: fc.Arbitrary<Row> = fc.record({
  runId: fc.integer({ min: 1, max: 3 }),
  suiteName: fc.constantFrom('qa', 'chat'),
  scorerName: fc.constantFrom('exact', 'fuzzy'),
  score: fc.oneof(fc.constantFrom(0, 0.5, 1), fc.integer({ min: 0, max: 10_000 }).map((n) => n / 10_000)),
  timestamp: minutes(20 * 1440).map(at),
})

export const orderFields: fc.Arbitrary<Row> = fc.record({
  total: fc.oneof(fc.constantFrom(0.1, 0.2, 10), fc.integer({ min: 0, max: 100_000 }).map((cents) => cents / 100)),
  status: fc.constantFrom('paid', 'pending', 'refunded'),
  customer: fc.constantFrom('c0', 'c1', 'c2', 'c9'),
})

/** One write to the source collection: slot n is the row `r<n>`. */
/** The grouped test views that expand nothing, with the source rows each reads. */
export const GROUPED_CASES = [
  ['DailySales', orderFields],
  ['DailyAIUsage', aiRequestFields],
  ['ModelLatency', aiRequestFields],
  ['EvalTrends', evalScoreFields],
  ['LogLevels', tailEventFields],
  ['RequestsByMethod', tailEventFields],
] as const

export interface SourceOp {
  readonly kind: 'upsert' | 'delete'
  readonly slot: number
  readonly fields: Row
  /** Minutes after the start when the row is created (kept by updates). */
  readonly createdMinute: number
  /** The batch ends after this op. */
  readonly endBatch: boolean
}

/** About one op in four ends its batch. */
const endsBatch = fc.integer({ min: 0, max: 3 }).map((n) => n === 0)

/** One random write to a collection of `slots` rows. */
export function sourceOp(fields: fc.Arbitrary<Row>, slots = 8): fc.Arbitrary<SourceOp> {
  return fc.record({
    kind: fc.constantFrom<SourceOp['kind']>('upsert', 'upsert', 'upsert', 'delete'),
    slot: fc.integer({ min: 0, max: slots - 1 }),
    fields,
    createdMinute: minutes(3 * 1440),
    endBatch: endsBatch,
  })
}

/** Workloads of up to `maxLength` writes (any length up to it, not only short ones). */
export function sourceOps(fields: fc.Arbitrary<Row>, slots = 8, maxLength = 40, minLength = 1): fc.Arbitrary<SourceOp[]> {
  return fc.array(sourceOp(fields, slots), { minLength, maxLength, size: 'max' })
}

/** Source rows through a workload, and the batches of changes it makes, with every intermediate image. */
export class SourceTable {
  readonly rows = new Map<string, Row>()
  #clock = 0

  /** Applies one op, recording its weighted images in `batch`. */
  write(op: SourceOp, batch: { inserts: Row[]; deletes: Row[] }): void {
    const id = `r${op.slot}`
    const current = this.rows.get(id)
    this.#clock++
    if (op.kind === 'delete') {
      if (current === undefined) return
      batch.deletes.push(current)
      this.rows.delete(id)
      return
    }
    const createdAt = (current?.createdAt as Date | undefined) ?? at(op.createdMinute)
    const next: Row = { $id: id, createdAt, updatedAt: new Date(T0 + this.#clock * 1000), ...op.fields }
    if (current !== undefined) batch.deletes.push(current)
    batch.inserts.push(next)
    this.rows.set(id, next)
  }
}

/** Splits ops into batches, yielding each batch's change once the source holds its result. */
export function* batchesOf(table: SourceTable, ops: readonly SourceOp[]): Generator<SourceChange> {
  let batch = { inserts: [] as Row[], deletes: [] as Row[] }
  for (const [index, op] of ops.entries()) {
    table.write(op, batch)
    if (op.endBatch || index === ops.length - 1) {
      yield batch
      batch = { inserts: [], deletes: [] }
    }
  }
}

/** Equal as view rows: `_state` ignored, numbers within 1e-9 relative when not both integers, the rest by valuesEqual. */
export function expectSameRows(actual: Iterable<Row>, expected: Iterable<Row>, what: string): void {
  const strip = (rows: Iterable<Row>) => new Map([...rows].map((row) => [row.$id as string, row]))
  const mine = strip(actual)
  const theirs = strip(expected)
  expect([...mine.keys()].sort(), `${what}: row ids`).toEqual([...theirs.keys()].sort())
  for (const [id, row] of theirs) {
    const other = mine.get(id) as Row
    const names = new Set([...Object.keys(row), ...Object.keys(other)].filter((name) => name !== STATE_COLUMN))
    for (const name of names) {
      const a = other[name]
      const b = row[name]
      if (typeof a === 'number' && typeof b === 'number' && !(Number.isInteger(a) && Number.isInteger(b))) {
        expect(Math.abs(a - b), `${what}: ${id}.${name}: ${a} vs ${b}`).toBeLessThanOrEqual(1e-9 * Math.max(Math.abs(a), Math.abs(b)))
      } else {
        expect(valuesEqual(a, b), `${what}: ${id}.${name}: ${show(a)} vs ${show(b)}`).toBe(true)
      }
    }
  }
}

function show(value: unknown): string {
  return typeof value === 'object' && value !== null && !(value instanceof Date) ? JSON.stringify(value) : String(value)
}

/** A view's table, and the checks every batch's writes must pass. */
export class ViewTable {
  readonly rows = new Map<string, Row>()

  write(changes: { readonly upserts: readonly Row[]; readonly deleteIds: readonly string[] }, what: string): void {
    const upserted = new Set(changes.upserts.map((row) => row.$id as string))
    expect(upserted.size, `${what}: one upsert per id`).toBe(changes.upserts.length)
    for (const id of changes.deleteIds) {
      expect(upserted.has(id), `${what}: ${id} both upserted and deleted`).toBe(false)
      expect(this.rows.has(id), `${what}: deletes ${id}, which the view does not hold`).toBe(true)
      this.rows.delete(id)
    }
    for (const row of changes.upserts) {
      const id = row.$id as string
      const old = this.rows.get(id)
      // Only rows that change are written.
      if (old !== undefined) expect(valuesEqual(old, row), `${what}: ${id} upserted unchanged`).toBe(false)
      this.rows.set(id, row)
    }
  }
}

/** Maintains a non-aggregating view through the batches, checking it against a full refresh after each. */
export function checkRowsView(plan: ViewPlan, ops: readonly SourceOp[], related: RelatedRows = NO_RELATED): void {
  const source = new SourceTable()
  const view = new ViewTable()
  let batch = 0
  for (const change of batchesOf(source, ops)) {
    const what = `${plan.name} batch ${batch++}`
    view.write(applyRowChanges(plan, change, related), what)
    expectSameRows(view.rows.values(), fullRefreshRows(plan, source.rows.values(), related), what)
  }
}

/**
 * Recomputes the groups a batch asks for, as a caller would: reads the source rows
 * filterForGroup selects (all of them when it cannot say) and hands their working rows over.
 * Also checks the filter selects every source row of the group.
 */
export function recomputeGroups(maintainer: GroupMaintainer, changes: GroupChanges, source: Iterable<Row>, related: RelatedRows, what: string): GroupChanges {
  const plan = maintainer.plan
  const all = [...source]
  const upserts: Row[] = []
  const deleteIds: string[] = []
  for (const id of changes.recompute) {
    const key = maintainer.keyOf(id)
    expect(key, `${what}: key of ${id}`).toBeDefined()
    const filter = key === undefined ? undefined : filterForGroup(plan, key.values)
    const test = filter === undefined ? () => true : compileFilter(filter, { label: 'test', schema: plan.sourceSchema }).test
    const rows = all.filter((row) => test(row))
    const fixed = maintainer.recomputeGroup(id, rows.flatMap((row) => workingRows(plan, row, related)))
    expect(fixed.recompute).toEqual([])
    upserts.push(...fixed.upserts)
    deleteIds.push(...fixed.deleteIds)
  }
  return { upserts, deleteIds, recompute: [] }
}

/**
 * Maintains a grouped view through the batches: before each batch, a fresh maintainer (as after
 * a restart) when `restarts` says so, loading the touched groups from the view's `_state`
 * column through JSON text; recomputes what the batch asks for; checks the view against a full
 * refresh after each batch.
 */
export function checkGroupView(plan: ViewPlan, ops: readonly SourceOp[], restarts: readonly boolean[], related: RelatedRows = NO_RELATED): void {
  const source = new SourceTable()
  const view = new ViewTable()
  let maintainer = new GroupMaintainer(plan)
  let batch = 0
  for (const change of batchesOf(source, ops)) {
    const what = `${plan.name} batch ${batch}`
    if (restarts[batch++] === true) maintainer = new GroupMaintainer(plan)
    loadTouched(maintainer, view, change, related, related)
    const changes = maintainer.apply(change, related)
    for (const id of changes.recompute) expect(changes.upserts.some((row) => row.$id === id) || changes.deleteIds.includes(id), `${what}: ${id} written and recomputed`).toBe(false)
    view.write({ upserts: changes.upserts, deleteIds: changes.deleteIds }, what)
    view.write(recomputeGroups(maintainer, changes, source.rows.values(), related, what), `${what} (recompute)`)
    expectSameRows(view.rows.values(), fullRefreshRows(plan, source.rows.values(), related), what)
  }
}

/** Loads the stored states of the groups a change touches that the maintainer does not hold. */
export function loadTouched(maintainer: GroupMaintainer, view: ViewTable, change: SourceChange, related: RelatedRows, relatedBefore: RelatedRows): void {
  for (const id of maintainer.groupsOf(change, related, relatedBefore)) {
    const stored = view.rows.get(id)
    if (stored !== undefined && !maintainer.has(id)) maintainer.load(id, JSON.stringify(stored[STATE_COLUMN]))
  }
}

/** The entities Order views expand, as plain data a workload changes. */
export interface OrderWorld {
  readonly customers: Map<string, Row>
  readonly products: Map<string, Row>
  readonly items: Map<string, Row>
}

export function cloneWorld(world: OrderWorld): OrderWorld {
  return { customers: new Map(world.customers), products: new Map(world.products), items: new Map(world.items) }
}

export function indexOf(world: OrderWorld): RelatedIndex {
  return new RelatedIndex().add('Customer', world.customers.values()).add('Product', world.products.values()).add('OrderItem', world.items.values())
}

/** A write to an Order workload: to an order, or to an entity its views expand. */
export type OrderOp =
  | { readonly kind: 'order'; readonly op: SourceOp }
  | { readonly kind: 'item'; readonly slot: number; readonly order: number | null; readonly product: string; readonly quantity: number; readonly endBatch: boolean }
  | { readonly kind: 'customer'; readonly id: string; readonly tier: string | null; readonly endBatch: boolean }
  | { readonly kind: 'product'; readonly id: string; readonly price: number; readonly endBatch: boolean }

export const orderOps: fc.Arbitrary<OrderOp[]> = fc.array(
  fc.oneof(
    { weight: 5, arbitrary: sourceOp(orderFields, 6).map((op) => ({ kind: 'order' as const, op })) },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('item' as const),
        slot: fc.integer({ min: 0, max: 7 }),
        order: fc.option(fc.integer({ min: 0, max: 5 }), { freq: 6 }),
        product: fc.constantFrom('p0', 'p1', 'p2', 'p9'),
        quantity: fc.integer({ min: 1, max: 5 }),
        endBatch: endsBatch,
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('customer' as const), id: fc.constantFrom('c0', 'c1', 'c2'), tier: fc.option(fc.constantFrom('gold', 'silver')), endBatch: endsBatch }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('product' as const), id: fc.constantFrom('p0', 'p1', 'p2'), price: fc.integer({ min: 1, max: 5000 }).map((cents) => cents / 100), endBatch: endsBatch }) },
  ),
  { minLength: 1, maxLength: 40, size: 'max' },
)

export function initialWorld(): OrderWorld {
  return {
    customers: new Map(['c0', 'c1', 'c2'].map((id, index) => [id, { $id: id, name: `n${index}`, email: `${id}@x`, tier: index === 0 ? 'gold' : null }])),
    products: new Map(['p0', 'p1', 'p2'].map((id, index) => [id, { $id: id, name: `product ${index}`, sku: id.toUpperCase(), price: index + 0.5 }])),
    items: new Map(),
  }
}

/**
 * Runs an Order workload where related entities change too. Each batch is given in its netted
 * form (the orders it touches as they were before, with the related rows before the batch,
 * and as they are after, with the related rows after), which is how a caller re-derives the
 * orders that reference changed entities: orders whose item, customer or product changed count
 * as touched.
 */
export function* orderBatches(ops: readonly OrderOp[]): Generator<{ change: SourceChange; related: RelatedIndex; relatedBefore: RelatedIndex; source: ReadonlyMap<string, Row> }> {
  const source = new SourceTable()
  let world = initialWorld()
  let start = { source: new Map<string, Row>(), world: cloneWorld(world) }
  const touched = new Set<string>()
  const ordersOf = (test: (order: Row, w: OrderWorld) => boolean) => {
    for (const [rows, w] of [[start.source, start.world], [source.rows, world]] as const) for (const order of rows.values()) if (test(order, w)) touched.add(order.$id as string)
  }
  for (const [index, entry] of ops.entries()) {
    let endBatch: boolean
    if (entry.kind === 'order') {
      source.write(entry.op, { inserts: [], deletes: [] })
      touched.add(`r${entry.op.slot}`)
      endBatch = entry.op.endBatch
    } else {
      endBatch = entry.endBatch
      if (entry.kind === 'item') {
        const id = `i${entry.slot}`
        const old = world.items.get(id)
        if (old !== undefined) touched.add(old.order as string)
        if (entry.order === null) world.items.delete(id)
        else {
          world.items.set(id, { $id: id, order: `r${entry.order}`, quantity: entry.quantity, price: 1, product: entry.product })
          touched.add(`r${entry.order}`)
        }
      } else if (entry.kind === 'customer') {
        const customer = world.customers.get(entry.id) as Row
        world.customers.set(entry.id, { ...customer, tier: entry.tier })
        ordersOf((order) => order.customer === entry.id)
      } else {
        const product = world.products.get(entry.id) as Row
        world.products.set(entry.id, { ...product, price: entry.price })
        ordersOf((order, w) => [...w.items.values()].some((item) => item.order === order.$id && item.product === entry.id))
      }
    }
    if (endBatch || index === ops.length - 1) {
      const imagesIn = (rows: ReadonlyMap<string, Row>) => [...touched].flatMap((id): Row[] => (rows.has(id) ? [rows.get(id) as Row] : []))
      const deletes = imagesIn(start.source)
      const inserts = imagesIn(source.rows)
      yield { change: { inserts, deletes }, related: indexOf(world), relatedBefore: indexOf(start.world), source: source.rows }
      touched.clear()
      start = { source: new Map(source.rows), world: cloneWorld(world) }
      world = cloneWorld(world)
    }
  }
}
