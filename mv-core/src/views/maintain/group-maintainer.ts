import { ParqueDBError } from '../../errors.ts'
import type { Row } from '../../schema/types.ts'
import type { GroupAggregates, GroupState } from '../aggregates/group-state.ts'
import type { ViewPlan } from '../define/types.ts'
import { encodeKey } from '../pipeline/encode-key.ts'
import { groupKeyOf, type GroupKeyValue } from '../pipeline/group-key-of.ts'
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

/** Working rows of one group that a batch adds (net > 0) or retracts (net < 0), by what the aggregates see of them. */
interface Contribution {
  readonly row: WorkingRow
  readonly order: readonly unknown[]
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

  constructor(plan: ViewPlan) {
    if (plan.kind !== 'groups') throw new TypeError(`GroupMaintainer: view "${plan.name}" does not group its rows; use applyRowChanges`)
    this.plan = plan
    this.#aggregates = planGroupAggregates(plan)
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
    const ids = new Set<string>()
    for (const image of change.deletes) for (const row of workingRows(this.plan, image, relatedBefore)) ids.add(groupKeyOf(this.plan, row).id)
    for (const image of change.inserts) for (const row of workingRows(this.plan, image, related)) ids.add(groupKeyOf(this.plan, row).id)
    return [...ids]
  }

  /**
   * Applies a batch. Only groups whose states differ from what the table holds are upserted;
   * groups left with no rows are deleted (when the table holds them); groups whose states turned
   * inexact are listed in `recompute` and keep their inexact states until `recomputeGroup`
   * replaces them.
   * `relatedBefore` is what the deleted images were derived with (see applyRowChanges).
   */
  apply(change: SourceChange, related: RelatedRows, relatedBefore: RelatedRows = related): GroupChanges {
    const deltas = new Map<string, { key: GroupKeyValue; contributions: Map<string, Contribution> }>()
    const feed = (images: readonly Row[], weight: 1 | -1, rows: RelatedRows) => {
      for (const image of images) {
        for (const row of workingRows(this.plan, image, rows)) {
          const key = groupKeyOf(this.plan, row)
          let delta = deltas.get(key.id)
          if (delta === undefined) {
            delta = { key, contributions: new Map() }
            deltas.set(key.id, delta)
          }
          const order = orderKeyOf(row)
          // Two working rows the aggregates cannot tell apart cancel: same order key, same inputs.
          const identity = encodeKey([order, ...this.#aggregates.aggregates.map((aggregate) => aggregate.value(row))])
          const contribution = delta.contributions.get(identity)
          if (contribution === undefined) delta.contributions.set(identity, { row, order, net: weight })
          else contribution.net += weight
        }
      }
    }
    feed(change.deletes, -1, relatedBefore)
    feed(change.inserts, 1, related)

    const upserts: Row[] = []
    const deleteIds: string[] = []
    const recompute: string[] = []
    const aggregates = this.#aggregates
    for (const [id, { key, contributions }] of deltas) {
      const moves = [...contributions.values()].filter((contribution) => contribution.net !== 0)
      if (moves.length === 0) continue
      const entry = this.#groups.get(id)
      const stored = entry?.stored
      let state = entry?.state ?? aggregates.init()
      for (const move of moves) for (let n = move.net; n < 0; n++) state = aggregates.add(state, move.row, -1, move.order)
      for (const move of moves) for (let n = move.net; n > 0; n--) state = aggregates.add(state, move.row, 1, move.order)
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
      const rowKey = groupKeyOf(this.plan, row)
      if (rowKey.id !== groupId) continue
      key ??= rowKey
      state = aggregates.add(state, row, 1, orderKeyOf(row))
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
