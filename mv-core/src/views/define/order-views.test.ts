import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ParqueDBError } from '../../errors.ts'
import { orderViews } from './order-views.ts'
import { parseViews } from './parse-view.ts'
import { seedCatalog } from './test-fixtures.ts'
import type { ViewPlan } from './types.ts'

const plans = [...parseViews(seedCatalog()).values()]

/** A plan reading from `source`, enough for ordering. */
function fake(name: string, source: string, sourceKind: 'collection' | 'view' = 'view'): ViewPlan {
  return { ...(plans[0] as ViewPlan), name, source, sourceKind }
}

describe('orderViews', () => {
  it('puts sources first and breaks ties by name, whatever the input order', () => {
    const expected = ['AIErrors', 'AdHocReport', 'DailyAIUsage', 'DailySales', 'EvalTrends', 'GeneratedObjects', 'OrderAnalytics', 'WeeklyAIUsage', 'WorkerErrors', 'WorkerLogs', 'WorkerRequests', 'EndpointMetrics']
    fc.assert(
      fc.property(fc.shuffledSubarray(plans, { minLength: plans.length }), (shuffled) => {
        expect(orderViews(shuffled).map((plan) => plan.name)).toEqual(expected)
      }),
    )
  })

  it('orders chains and trees', () => {
    const ordered = orderViews([fake('C', 'B'), fake('B', 'A'), fake('A', 'Order', 'collection'), fake('B2', 'A'), fake('Z', 'Order', 'collection')])
    expect(ordered.map((plan) => plan.name)).toEqual(['A', 'B', 'B2', 'C', 'Z'])
  })

  it('treats sources outside the list as already there', () => {
    expect(orderViews([fake('B', 'A'), fake('C', 'B')]).map((plan) => plan.name)).toEqual(['B', 'C'])
  })

  it('rejects duplicates and cycles', () => {
    expect(() => orderViews([fake('A', 'Order', 'collection'), fake('A', 'Order', 'collection')])).toThrow('[parquedb] view "A": listed twice')
    expect(() => orderViews([fake('A', 'B'), fake('B', 'C'), fake('C', 'A'), fake('D', 'C')])).toThrow('[parquedb] view "A": $from: cycle A -> B -> C -> A')
    let caught: unknown
    try {
      orderViews([fake('X', 'X')])
    } catch (error) {
      caught = error
    }
    expect(ParqueDBError.isInstance(caught, 'SCHEMA')).toBe(true)
    expect((caught as ParqueDBError).message).toBe('[parquedb] view "X": $from: cycle X -> X')
  })
})
