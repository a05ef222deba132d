import type { Row } from '../../schema/types.ts'
import { parseView } from '../define/parse-view.ts'
import { collections, seedViews } from '../define/test-fixtures.ts'
import type { ViewCatalog, ViewPlan } from '../define/types.ts'

/**
 * Plans and rows for the pipeline and maintenance tests: the seed collections and views of the
 * define tests, with OrderItem pointing back at its Order (so 'items' reaches rows), plus views
 * that exercise what the seeds do not (grouping over $unnest and $expand, extremes, percentiles).
 */

export const testViews: Readonly<Record<string, unknown>> = {
  ...seedViews,
  DailyAIUsage: {
    $from: 'AIRequests',
    $groupBy: ['modelId', 'providerId', { date: '$timestamp' }],
    $compute: {
      requestCount: { $count: '*' },
      totalTokens: { $sum: 'tokens' },
      avgLatency: { $avg: 'latencyMs' },
      p95Latency: { $percentile: ['latencyMs', 0.95] },
      cacheHitRate: { $avg: { $cond: ['$cached', 1, 0] } },
      errorCount: { $sum: { $cond: [{ $exists: '$error' }, 1, 0] } },
    },
  },
  ModelLatency: {
    $from: 'AIRequests',
    $groupBy: ['modelId', { hour: '$timestamp' }],
    $compute: {
      requests: { $count: '*' },
      minLatency: { $min: 'latencyMs' },
      maxLatency: { $max: 'latencyMs' },
      sdLatency: { $stddev: 'latencyMs' },
      varTokens: { $variance: 'tokens' },
      firstTokens: { $first: 'tokens' },
      lastTokens: { $last: 'tokens' },
    },
  },
  LogLevels: {
    $from: 'TailEvents',
    $unnest: 'logs',
    $groupBy: ['scriptName', 'logs.level'],
    $compute: {
      lines: { $count: '*' },
      firstMessage: { $first: 'logs.message' },
      lastMessage: { $last: 'logs.message' },
      maxAt: { $max: 'logs.timestamp' },
    },
  },
  RequestsByMethod: {
    $from: 'TailEvents',
    $filter: { event: { $exists: true } },
    $groupBy: ['scriptName', 'event.request.method', { hour: '$eventTimestamp' }],
    $compute: { requests: { $count: '*' }, errors: { $sum: { $cond: [{ $ne: ['$outcome', 'ok'] }, 1, 0] } } },
  },
  OrderLines: {
    $from: 'Order',
    $expand: ['items', 'items.product'],
    $groupBy: ['status'],
    $compute: { lines: { $count: '*' }, units: { $sum: 'items.quantity' }, maxPrice: { $max: 'items.product.price' }, products: { $count: 'items.product' } },
  },
  TierRevenue: {
    $from: 'Order',
    $groupBy: ['customer.tier'],
    $compute: { orders: { $count: '*' }, revenue: { $sum: 'total' }, biggest: { $max: 'total' } },
  },
}

export const testCatalog: ViewCatalog = {
  collections: collections({ OrderItem: { order: '-> Order!', quantity: 'int!', price: 'decimal(10,2)!', product: '-> Product' } }),
  views: new Map(Object.entries(testViews)),
}

const plans = new Map<string, ViewPlan>()

/** The plan of a view of testViews, parsed once. */
export function testPlan(name: string): ViewPlan {
  let plan = plans.get(name)
  if (plan === undefined) {
    plan = parseView(name, testViews[name], testCatalog)
    plans.set(name, plan)
  }
  return plan
}

/** A plan of an ad-hoc definition over the test catalog. */
export function planOf(name: string, definition: unknown): ViewPlan {
  return parseView(name, definition, testCatalog)
}

const T0 = Date.UTC(2024, 0, 15, 10, 0, 0)

/** A source entity: `$id`, createdAt/updatedAt (minutes after 2024-01-15T10:00Z), then fields. */
export function entity(id: string, fields: Row, createdMinute = 0, updatedMinute = createdMinute): Row {
  return { $id: id, createdAt: new Date(T0 + createdMinute * 60_000), updatedAt: new Date(T0 + updatedMinute * 60_000), ...fields }
}

/** Rows by `$id`, for comparing outputs without caring about order. */
export function byId(rows: readonly Row[]): Map<string, Row> {
  return new Map(rows.map((row) => [row.$id as string, row]))
}
