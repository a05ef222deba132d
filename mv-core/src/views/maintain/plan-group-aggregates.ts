import { groupAggregates, type GroupAggregates } from '../aggregates/group-state.ts'
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
  const compute = plan.compute ?? []
  return groupAggregates(
    compute.map((field) => field.name),
    compute.map((field) => field.aggregate),
    `view "${plan.name}"`,
    { view: plan.name },
  )
}
