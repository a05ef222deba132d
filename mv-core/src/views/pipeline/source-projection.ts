import type { ViewPlan } from '../define/types.ts'

/**
 * The source columns to read for a view's pipeline: the plan's `sourceFields` plus `createdAt`
 * and `updatedAt`, which every output row carries and `$first`/`$last` order by, in source
 * column order.
 *
 * @example
 * sourceProjection(workerLogs) // ['$id', 'createdAt', 'updatedAt', 'scriptName', 'event', 'logs']
 */
export function sourceProjection(plan: ViewPlan): string[] {
  const read = new Set<string>([...plan.sourceFields, 'createdAt', 'updatedAt'])
  return plan.sourceSchema.columns.map((column) => column.name).filter((name) => read.has(name))
}
