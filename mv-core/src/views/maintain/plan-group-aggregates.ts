import { ParqueDBError } from '../../errors.ts'
import { isPlainObject } from '../../query/is-plain-object.ts'
import type { GroupAggregates, GroupState } from '../aggregates/group-state.ts'
import type { Aggregate, AggregateState } from '../aggregates/types.ts'
import type { ViewPlan } from '../define/types.ts'

const cache = new WeakMap<ViewPlan, GroupAggregates>()

/**
 * The `$compute` aggregates of a plan, driven together over one group, with the same state JSON
 * as compileGroupAggregates (`{ rows, states: { <name>: <aggregate state> } }`). The plan's
 * aggregates are used as compiled by parseView: their field paths already point into the
 * working row ('customer_tier') and decimal sums know their scale. A view without `$compute`
 * still counts its rows, which is what tells an empty group.
 *
 * @example
 * const group = planGroupAggregates(dailySales)
 * group.result(group.add(group.init(), { total: 12.5 }, 1)) // { orderCount: 1, revenue: 12.5, avgOrder: 12.5 }
 */
export function planGroupAggregates(plan: ViewPlan): GroupAggregates {
  let group = cache.get(plan)
  if (group === undefined) {
    group = build(plan)
    cache.set(plan, group)
  }
  return group
}

function build(plan: ViewPlan): GroupAggregates {
  const label = `view "${plan.name}"`
  const names = (plan.compute ?? []).map((field) => field.name)
  const aggregates: readonly Aggregate[] = (plan.compute ?? []).map((field) => field.aggregate)
  const count = aggregates.length
  const at = (index: number) => aggregates[index] as Aggregate
  return {
    names,
    aggregates,
    fields: [...new Set(aggregates.flatMap((aggregate) => aggregate.fields))],
    init: () => ({ rows: 0, states: aggregates.map((aggregate) => aggregate.init()) }),
    add(group, row, weight, order) {
      group.rows += weight
      for (let index = 0; index < count; index++) {
        const aggregate = at(index)
        group.states[index] = aggregate.add(group.states[index] as AggregateState, aggregate.value(row), weight, order)
      }
      return group
    },
    merge(a, b) {
      a.rows += b.rows
      for (let index = 0; index < count; index++) a.states[index] = at(index).merge(a.states[index] as AggregateState, b.states[index] as AggregateState)
      return a
    },
    exact: (group) => group.rows >= 0 && aggregates.every((aggregate, index) => aggregate.exact(group.states[index] as AggregateState)),
    isEmpty: (group) => group.rows === 0,
    result: (group) => Object.fromEntries(names.map((name, index) => [name, at(index).result(group.states[index] as AggregateState)])),
    toJSON: (group) => ({
      rows: group.rows,
      states: Object.fromEntries(names.map((name, index) => [name, at(index).toJSON(group.states[index] as AggregateState)])),
    }),
    fromJSON(json): GroupState {
      const corrupt = (problem: string) => new ParqueDBError('CORRUPT', `${label}: stored group state is malformed: ${problem}`, { view: plan.name })
      if (!isPlainObject(json) || !isPlainObject(json.states)) throw corrupt('expected { rows, states }')
      const { rows, states } = json
      if (typeof rows !== 'number' || !Number.isSafeInteger(rows)) throw corrupt('rows is not an integer')
      return {
        rows,
        states: names.map((name, index) => {
          if (!Object.hasOwn(states, name)) throw corrupt(`no state for $compute.${name}`)
          return at(index).fromJSON(states[name])
        }),
      }
    },
  }
}
