import { ParqueDBError } from '../../errors.ts'
import type { Row } from '../../schema/types.ts'
import type { GroupAggregates, GroupState } from '../aggregates/group-state.ts'
import type { ViewPlan } from '../define/types.ts'
import { encodeKey } from '../pipeline/encode-key.ts'
import type { GroupKeyValue } from '../pipeline/group-key-of.ts'
import { GroupKeys } from '../pipeline/group-keys.ts'
import type { RelatedRows } from '../pipeline/related-rows.ts'
import { orderKeyOf, workingRows, type WorkingRow } from '../pipeline/working-rows.ts'
import { groupRow } from './group-row.ts'
import { planGroupAggregates } from './plan-group-aggregates.ts'
import type { GroupChanges, SourceChange } from './types.ts'

interface GroupEntry {
  readonly state: GroupState
  /** Known once a working row of the group was seen (states loaded from storage come without). */
  readonly key: GroupKeyValue | undefined
  /** The JSON text of the states in the view's table; undefined when the table has no row for the group. */
  readonly stored: string | undefined
}

/** The working rows a batch adds to (+1) and retracts from (−1) one group. */
interface GroupDelta {
  readonly key: GroupKeyValue
  readonly adds: WorkingRow[]
  readonly retracts: WorkingRow[]
}

/** A batch of source changes sorted into the groups it feeds: from `prepare`, for `applyPrepared`. */
export interface PreparedBatch {
  /** The groups the batch feeds: load their states before applying it. */
  readonly groupIds: readonly string[]
  readonly deltas: ReadonlyMap<string, GroupDelta>
}

/** A working row of a group whose adds and retractions are netted, and its net weight. */
interface Contribution {
  readonly row: WorkingRow
  net: number
}

/**
 * The group states of one grouped view, and how a batch of source changes moves them. States of
 * the groups a batch touches must be loaded first (`groupsOf` says which, `load` takes them from
 * the `_state` column); a group it does not hold is taken as new.
 *
 * `apply` feeds each working row to its group's aggregates with weight +1 (inserted images) or
 * −1 (deleted images), ordered for `$first`/`$last` by orderKeyOf. Contributions that cancel
 * within the batch (an image inserted and deleted, an update that leaves every aggregate input
 * and the order key alone) are dropped first, and retractions go before additions, so extremes
 * only turn inexact when a real extreme leaves.
 *
 * @example
 * const groups = new GroupMaintainer(dailySales)
 * for (const id of groups.groupsOf(change, NO_RELATED)) { const stored = await view.get(id); if (stored) groups.load(id, stored._state) }
 * const { upserts, deleteIds, recompute } = groups.apply(change, NO_RELATED)
 * for (const id of recompute) {
 *   const rows = await source.find(filterForGroup(dailySales, groups.keyOf(id)!.values))
 *   const fixed = groups.recomputeGroup(id, rows.flatMap((row) => workingRows(dailySales, row, NO_RELATED)))
 * }
 */
export class GroupMaintainer {
  readonly plan: ViewPlan
  readonly #aggregates: GroupAggregates
  readonly #groups = new Map<string, GroupEntry>()
  readonly #keys: GroupKeys
  /** `$first`/`$last` read the rows' order keys; other aggregates never do. */
  readonly #ordered: boolean

  constructor(plan: ViewPlan) {
    if (plan.kind !== 'groups') throw new TypeError(`GroupMaintainer: view "${plan.name}" does not group its rows; use applyRowChanges`)
    this.plan = plan
    this.#aggregates = planGroupAggregates(plan)
    this.#keys = new GroupKeys(plan)
    this.#ordered = this.#aggregates.aggregates.some((aggregate) => aggregate.op === '$first' || aggregate.op === '$last')
  }

  /**
   * Takes a group's states as stored in the view's `_state` column (the JSON value, or its text).
   * Throws ParqueDBError('CORRUPT') when they cannot be read.
   */
  load(groupId: string, stateJson: unknown): void {
    let json = stateJson
    if (typeof json === 'string') {
      try {
        json = JSON.parse(json) as unknown
      } catch (error) {
        throw new ParqueDBError('CORRUPT', `view "${this.plan.name}": stored group state of ${groupId} is not JSON`, { view: this.plan.name, groupId }, { cause: error })
      }
    }
    const state = this.#aggregates.fromJSON(json)
    this.#groups.set(groupId, { state, key: this.#groups.get(groupId)?.key, stored: JSON.stringify(this.#aggregates.toJSON(state)) })
  }

  /** True when the maintainer holds this group's states. */
  has(groupId: string): boolean {
    return this.#groups.has(groupId)
  }

  /** The key of a group seen in a working row (undefined for groups only loaded). */
  keyOf(groupId: string): GroupKeyValue | undefined {
    return this.#groups.get(groupId)?.key
  }

  /** Forgets a group's states (to bound memory); load it again before a batch touches it. */
  unload(groupId: string): boolean {
    return this.#groups.delete(groupId)
  }

  /** The groups a batch feeds: load their states before `apply`. */
  groupsOf(change: SourceChange, related: RelatedRows, relatedBefore: RelatedRows = related): string[] {
    return [...this.prepare(change, related, relatedBefore).groupIds]
  }

  /**
   * Sorts a batch into the groups it feeds, each working row's key computed once: the caller
   * loads the states of `groupIds` it does not hold, then calls `applyPrepared`.
   * `relatedBefore` is what the deleted images were derived with (see applyRowChanges).
   */
  prepare(change: SourceChange, related: RelatedRows, relatedBefore: RelatedRows = related): PreparedBatch {
    const deltas = new Map<string, GroupDelta>()
    const keys = this.#keys
    const feed = (images: readonly Row[], rows: RelatedRows, side: 'adds' | 'retracts') => {
      for (const image of images) {
        for (const row of workingRows(this.plan, image, rows)) {
          const key = keys.of(row)
          let delta = deltas.get(key.id)
          if (delta === undefined) {
            delta = { key, adds: [], retracts: [] }
            deltas.set(key.id, delta)
          }
          delta[side].push(row)
        }
      }
    }
    feed(change.deletes, relatedBefore, 'retracts')
    feed(change.inserts, related, 'adds')
    return { groupIds: [...deltas.keys()], deltas }
  }

  /**
   * Applies a batch. Only groups whose states differ from what the table holds are upserted;
   * groups left with no rows are deleted (when the table holds them); groups whose states turned
   * inexact are listed in `recompute` and keep their inexact states until `recomputeGroup`
   * replaces them.
   * `relatedBefore` is what the deleted images were derived with (see applyRowChanges).
   */
  apply(change: SourceChange, related: RelatedRows, relatedBefore: RelatedRows = related): GroupChanges {
    return this.applyPrepared(this.prepare(change, related, relatedBefore))
  }

  /** `apply` for a batch already sorted by `prepare`. */
  applyPrepared(batch: PreparedBatch): GroupChanges {
    const upserts: Row[] = []
    const deleteIds: string[] = []
    const recompute: string[] = []
    const aggregates = this.#aggregates
    const ordered = this.#ordered
    for (const [id, delta] of batch.deltas) {
      const { key } = delta
      let { adds, retracts } = delta
      // Rows a batch both adds and retracts that the aggregates cannot tell apart cancel first.
      if (adds.length > 0 && retracts.length > 0) {
        ;({ adds, retracts } = this.#net(adds, retracts))
        if (adds.length === 0 && retracts.length === 0) continue
      }
      const entry = this.#groups.get(id)
      const stored = entry?.stored
      let state = entry?.state ?? aggregates.init()
      // Retractions first, so extremes only turn inexact when a real extreme leaves.
      for (const row of retracts) state = aggregates.add(state, row, -1, ordered ? orderKeyOf(row) : undefined)
      for (const row of adds) state = aggregates.add(state, row, 1, ordered ? orderKeyOf(row) : undefined)
      if (aggregates.isEmpty(state)) {
        this.#groups.delete(id)
        if (stored !== undefined) deleteIds.push(id)
        continue
      }
      if (!aggregates.exact(state)) {
        this.#groups.set(id, { state, key, stored })
        recompute.push(id)
        continue
      }
      const row = this.#settle(id, key, state, stored)
      if (row !== undefined) upserts.push(row)
    }
    return { upserts, deleteIds, recompute }
  }

  /** What is left of a group's adds and retractions once working rows with the same aggregate inputs (and order key) cancel. */
  #net(adds: readonly WorkingRow[], retracts: readonly WorkingRow[]): { adds: WorkingRow[]; retracts: WorkingRow[] } {
    const contributions = new Map<string, Contribution>()
    const identityOf = (row: WorkingRow) =>
      encodeKey([...(this.#ordered ? [orderKeyOf(row)] : []), ...this.#aggregates.aggregates.map((aggregate) => aggregate.value(row))])
    const count = (row: WorkingRow, weight: number) => {
      const identity = identityOf(row)
      const contribution = contributions.get(identity)
      if (contribution === undefined) contributions.set(identity, { row, net: weight })
      else contribution.net += weight
    }
    for (const row of retracts) count(row, -1)
    for (const row of adds) count(row, 1)
    const left = { adds: [] as WorkingRow[], retracts: [] as WorkingRow[] }
    for (const { row, net } of contributions.values()) {
      for (let n = net; n < 0; n++) left.retracts.push(row)
      for (let n = net; n > 0; n--) left.adds.push(row)
    }
    return left
  }

  /**
   * Rebuilds a group from every working row it has (from the source rows filterForGroup
   * selects, through workingRows; rows of other groups are skipped, so a wider read is fine) and
   * returns its upsert (none when the table holds it already), or its delete when it has no rows
   * left.
   */
  recomputeGroup(groupId: string, rows: Iterable<WorkingRow>): GroupChanges {
    const aggregates = this.#aggregates
    let state = aggregates.init()
    let key: GroupKeyValue | undefined
    for (const row of rows) {
      const rowKey = this.#keys.of(row)
      if (rowKey.id !== groupId) continue
      key ??= rowKey
      state = aggregates.add(state, row, 1, this.#ordered ? orderKeyOf(row) : undefined)
    }
    const stored = this.#groups.get(groupId)?.stored
    if (key === undefined || aggregates.isEmpty(state)) {
      this.#groups.delete(groupId)
      return { upserts: [], deleteIds: stored === undefined ? [] : [groupId], recompute: [] }
    }
    const row = this.#settle(groupId, key, state, stored)
    return { upserts: row === undefined ? [] : [row], deleteIds: [], recompute: [] }
  }

  /** Keeps an exact state; its row when it differs from what the table holds. */
  #settle(id: string, key: GroupKeyValue, state: GroupState, stored: string | undefined): Row | undefined {
    const json = this.#aggregates.toJSON(state)
    const text = JSON.stringify(json)
    this.#groups.set(id, { state, key, stored: text })
    return text === stored ? undefined : groupRow(this.#aggregates, key, state, json)
  }
}
