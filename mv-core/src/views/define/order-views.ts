import { ParqueDBError } from '../../errors.ts'
import type { ViewPlan } from './types.ts'

/**
 * The plans in refresh order: every view after the views it reads from (its `$from`, when that
 * is one of the given views), ties broken by name so the order is stable. Throws
 * ParqueDBError('SCHEMA') for two plans with one name or a cycle (which parseView rejects
 * already, so only hand-built plans can have one).
 *
 * @example
 * orderViews([endpointMetrics, workerRequests, dailySales]).map((plan) => plan.name)
 * // ['DailySales', 'WorkerRequests', 'EndpointMetrics']
 */
export function orderViews(plans: Iterable<ViewPlan>): ViewPlan[] {
  const byName = new Map<string, ViewPlan>()
  for (const plan of plans) {
    if (byName.has(plan.name)) throw new ParqueDBError('SCHEMA', `view "${plan.name}": listed twice`, { view: plan.name })
    byName.set(plan.name, plan)
  }
  const upstream = (plan: ViewPlan): ViewPlan | undefined => (plan.sourceKind === 'view' ? byName.get(plan.source) : undefined)
  const waiting = new Map<string, number>()
  const dependants = new Map<string, string[]>()
  for (const plan of byName.values()) {
    const source = upstream(plan)
    waiting.set(plan.name, source === undefined ? 0 : 1)
    if (source !== undefined) dependants.set(source.name, [...(dependants.get(source.name) ?? []), plan.name])
  }
  // Kahn's algorithm, always taking the smallest ready name: a stable order whatever the input order.
  const ready = [...byName.keys()].filter((name) => waiting.get(name) === 0).sort(byCodeUnits)
  const ordered: ViewPlan[] = []
  while (ready.length > 0) {
    const name = ready.shift() as string
    ordered.push(byName.get(name) as ViewPlan)
    for (const dependant of dependants.get(name) ?? []) {
      const left = (waiting.get(dependant) as number) - 1
      waiting.set(dependant, left)
      if (left === 0) insertSorted(ready, dependant)
    }
  }
  if (ordered.length < byName.size) {
    const start = [...byName.keys()].filter((name) => !ordered.some((plan) => plan.name === name)).sort(byCodeUnits)[0] as string
    const cycle = [start]
    for (let plan = upstream(byName.get(start) as ViewPlan); plan !== undefined && !cycle.includes(plan.name); plan = upstream(plan)) cycle.push(plan.name)
    const closing = upstream(byName.get(cycle[cycle.length - 1] as string) as ViewPlan)?.name ?? start
    const path = [...cycle.slice(cycle.indexOf(closing)), closing]
    throw new ParqueDBError('SCHEMA', `view "${path[0]}": $from: cycle ${path.join(' -> ')}`, { view: path[0], directive: '$from', cycle: path })
  }
  return ordered
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function insertSorted(list: string[], name: string): void {
  let index = 0
  while (index < list.length && byCodeUnits(list[index] as string, name) < 0) index++
  list.splice(index, 0, name)
}
