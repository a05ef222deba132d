import { describe, expect, it } from 'vitest'
import { parseView, parseViews } from './parse-view.ts'
import { collections, seedCatalog, seedViews } from './test-fixtures.ts'
import type { ViewCatalog, ViewPlan } from './types.ts'

/** The view's declared output fields and their field strings, in order. */
function fieldsOf(plan: ViewPlan): Record<string, string> {
  return Object.fromEntries(plan.outputSchema.fields.map((field) => [field.name, field.source]))
}

const catalog = seedCatalog()
const plans = parseViews(catalog)
const plan = (name: string): ViewPlan => {
  const found = plans.get(name)
  if (found === undefined) throw new Error(`no plan ${name}`)
  return found
}

describe('the seed views parse into the documented output schemas', () => {
  it('parses all of them, sources first', () => {
    expect([...plans.keys()]).toEqual([
      'AIErrors',
      'AdHocReport',
      'DailyAIUsage',
      'DailySales',
      'EvalTrends',
      'GeneratedObjects',
      'OrderAnalytics',
      'WeeklyAIUsage',
      'WorkerErrors',
      'WorkerLogs',
      'WorkerRequests',
      'EndpointMetrics',
    ])
    for (const parsed of plans.values()) {
      expect(Object.isFrozen(parsed)).toBe(true)
      expect(parsed.outputSchema.columns.slice(0, 3).map((column) => column.name)).toEqual(['$id', 'createdAt', 'updatedAt'])
    }
  })

  it('OrderAnalytics: $expand through forward and reverse relations, $flatten renames the prefix', () => {
    const view = plan('OrderAnalytics')
    expect(view).toMatchObject({ kind: 'rows', source: 'Order', sourceKind: 'collection', typeName: 'OrderAnalytics', refresh: { mode: 'streaming' } })
    expect(fieldsOf(view)).toEqual({
      total: 'decimal(10,2)!',
      status: 'string!',
      customer: '-> Customer',
      buyer_name: 'string?',
      buyer_email: 'string?',
      buyer_tier: 'string?',
      items_product_name: 'string?',
      items_product_sku: 'string?',
      items_product_price: 'decimal(10,2)?',
    })
    expect(view.expand.map((expansion) => [expansion.path, expansion.prefix, expansion.steps.map((step) => `${step.direction}:${step.field}->${step.target}${step.many ? '[]' : ''}`)])).toEqual([
      ['customer', 'buyer', ['forward:customer->Customer']],
      ['items.product', 'items_product', ['reverse:items->OrderItem[]', 'forward:product->Product']],
    ])
    expect(view.flatten).toEqual({ customer: 'buyer' })
    expect(view.sourceFields).toEqual(['$id', 'createdAt', 'updatedAt', 'total', 'status', 'customer'])
    // The documents' OrderItem declares no relation back to Order: the view parses, and says why items stay empty.
    expect(view.warnings).toEqual([
      `view "OrderAnalytics": $expand.items.product: "items" of Order is <- OrderItem[], but OrderItem has no relation to Order ('-> Order'), so it reaches no OrderItem rows`,
    ])
    expect(view.outputSchema.byName.get('customer')).toMatchObject({ kind: 'relation', direction: 'forward', target: 'Customer' })
  })

  it('OrderAnalytics finds the relation back when OrderItem declares one', () => {
    const withBackPointer: ViewCatalog = {
      collections: collections({ OrderItem: { order: '-> Order!', quantity: 'int!', price: 'decimal(10,2)!', product: '-> Product' } }),
      views: new Map(),
    }
    const view = parseView('OrderAnalytics', seedViews.OrderAnalytics, withBackPointer)
    expect(view.expand[1]?.steps[0]).toEqual({ field: 'items', direction: 'reverse', from: 'Order', target: 'OrderItem', many: true, via: 'order' })
    expect(view.warnings).toEqual([])
  })

  it('DailySales: a calendar-day bucket of a system field, decimal sums stay exact', () => {
    const view = plan('DailySales')
    expect(view).toMatchObject({ kind: 'groups', timeZone: 'UTC', refresh: { mode: 'scheduled', schedule: '0 * * * *', strategy: 'replace' } })
    expect(fieldsOf(view)).toEqual({
      date: 'date?',
      status: 'string?',
      orderCount: 'double!',
      revenue: 'decimal(38,2)?',
      avgOrder: 'double?',
      _state: 'variant?',
    })
    expect(view.outputFields).toEqual(['date', 'status', 'orderCount', 'revenue', 'avgOrder'])
    expect(view.hiddenFields).toEqual(['_state'])
    expect(view.sourceFields).toEqual(['$id', 'createdAt', 'total', 'status'])
    const [date, status] = view.groupBy ?? []
    expect(date).toMatchObject({ name: 'date', kind: 'bucket', bucket: { unit: 'date', timeZone: 'UTC', field: 'createdAt' } })
    expect(date?.evaluate({ createdAt: new Date('2024-01-15T23:59:00Z') })).toBe('2024-01-15')
    expect(status).toMatchObject({ name: 'status', kind: 'field', path: 'status' })
    const revenue = view.compute?.find((entry) => entry.name === 'revenue')?.aggregate
    if (revenue === undefined) throw new Error('no revenue')
    let state = revenue.init()
    for (const total of [0.1, 0.2, 12345678.99]) state = revenue.add(state, revenue.value({ total }), 1)
    expect(revenue.result(state)).toBe(12345679.29)
  })

  it('DailyAIUsage: keys, a date bucket and aggregates over expressions', () => {
    const view = plan('DailyAIUsage')
    expect(fieldsOf(view)).toEqual({
      modelId: 'string?',
      providerId: 'string?',
      date: 'date?',
      requestCount: 'double!',
      totalTokens: 'double?',
      avgLatency: 'double?',
      cacheHitRate: 'double?',
      errorCount: 'double?',
      _state: 'variant?',
    })
    expect(view.sourceFields).toEqual(['$id', 'modelId', 'providerId', 'tokens', 'latencyMs', 'cached', 'error', 'timestamp'])
    expect(view.warnings).toEqual([])
  })

  it('the other DailyAIUsage of the documents, keyed by date first', () => {
    const view = parseView(
      'DailyAIUsage',
      {
        $from: 'AIRequests',
        $groupBy: [{ date: '$timestamp' }, 'modelId'],
        $compute: {
          requestCount: { $count: '*' },
          totalTokens: { $sum: 'tokens' },
          avgLatency: { $avg: 'latencyMs' },
          errorCount: { $sum: { $cond: [{ $exists: '$error' }, 1, 0] } },
        },
      },
      catalog,
    )
    expect(view.outputFields).toEqual(['date', 'modelId', 'requestCount', 'totalTokens', 'avgLatency', 'errorCount'])
  })

  it('WeeklyAIUsage: a view of a view, bucketing its calendar days into Monday weeks', () => {
    const view = plan('WeeklyAIUsage')
    expect(view).toMatchObject({ source: 'DailyAIUsage', sourceKind: 'view', kind: 'groups' })
    expect(fieldsOf(view)).toEqual({ week: 'timestamp?', totalRequests: 'double?', _state: 'variant?' })
    expect(view.sourceFields).toEqual(['$id', 'date', 'requestCount'])
    // The source's hidden aggregate states are not part of what this view reads.
    expect(view.sourceSchema.byName.has('_state')).toBe(false)
    expect(view.sourceSchema.byName.get('date')).toMatchObject({ kind: 'date' })
    expect(view.groupBy?.[0]?.evaluate({ date: '2024-01-17' })).toEqual(new Date('2024-01-15T00:00:00Z'))
  })

  it('WorkerLogs: $unnest makes the list field one element per row', () => {
    const view = plan('WorkerLogs')
    expect(view.unnest).toEqual({ field: 'logs', element: 'variant?' })
    expect(fieldsOf(view)).toEqual({ scriptName: 'string?', level: 'variant?', message: 'variant?', timestamp: 'variant?', colo: 'variant?' })
    expect(view.sourceFields).toEqual(['$id', 'scriptName', 'event', 'logs'])
    const row = { scriptName: 'api', logs: { level: 'warn', message: 'slow', timestamp: 5 }, event: { request: { cf: { colo: 'SJC' } } } }
    expect(Object.fromEntries((view.select ?? []).map((field) => [field.name, field.evaluate(row)]))).toEqual({
      scriptName: 'api',
      level: 'warn',
      message: 'slow',
      timestamp: 5,
      colo: 'SJC',
    })
  })

  it('WorkerErrors: a filter over list elements and a selection of JSON paths', () => {
    const view = plan('WorkerErrors')
    expect(fieldsOf(view)).toEqual({
      scriptName: 'string?',
      outcome: 'string?',
      exceptionName: 'variant?',
      exceptionMessage: 'variant?',
      url: 'variant?',
      status: 'variant?',
      colo: 'variant?',
      timestamp: 'timestamp?',
    })
    expect(view.filter?.test({ outcome: 'ok', exceptions: [] })).toBe(false)
    expect(view.filter?.test({ outcome: 'ok', exceptions: [{ name: 'TypeError' }] })).toBe(true)
    expect(view.filter?.test({ outcome: 'exception', exceptions: [] })).toBe(true)
    expect(view.sourceFields).toEqual(['$id', 'scriptName', 'outcome', 'eventTimestamp', 'event', 'exceptions'])
  })

  it('WorkerErrors as first shown: a filter alone copies every source field', () => {
    const view = parseView('WorkerErrors', { $from: 'TailEvents', $filter: { outcome: { $ne: 'ok' } } }, catalog)
    expect(fieldsOf(view)).toEqual({
      scriptName: 'string!',
      outcome: 'string!',
      eventTimestamp: 'timestamp!',
      event: 'variant?',
      logs: 'variant[]',
      exceptions: 'variant[]',
    })
  })

  it('WorkerRequests and EndpointMetrics: hourly groups over a view', () => {
    expect(fieldsOf(plan('WorkerRequests'))).toEqual({
      scriptName: 'string?',
      method: 'variant?',
      url: 'variant?',
      status: 'variant?',
      outcome: 'string?',
      colo: 'variant?',
      country: 'variant?',
      timestamp: 'timestamp?',
    })
    const view = plan('EndpointMetrics')
    expect(view).toMatchObject({ source: 'WorkerRequests', sourceKind: 'view', refresh: { mode: 'scheduled', schedule: '0 * * * *' } })
    expect(fieldsOf(view)).toEqual({
      scriptName: 'string?',
      method: 'variant?',
      hour: 'timestamp?',
      requestCount: 'double!',
      avgLatency: 'double?',
      errorRate: 'double?',
      _state: 'variant?',
    })
    expect(view.groupBy?.[2]).toMatchObject({ kind: 'bucket', bucket: { unit: 'hour', timeZone: 'UTC', field: 'timestamp' } })
    // The documents average a 'latency' WorkerRequests does not select: valid, but worth a warning.
    expect(view.warnings).toEqual(['view "EndpointMetrics": $compute.avgLatency: field "latency" is not a column of WorkerRequests, so it reads as null'])
    expect(view.sourceFields).toEqual(['$id', 'scriptName', 'method', 'outcome', 'timestamp'])
  })

  it('EndpointMetrics as first shown: dotted group paths become a_b_c names', () => {
    const view = parseView(
      'EndpointMetrics',
      {
        $from: 'TailEvents',
        $filter: { 'event.request': { $exists: true } },
        $groupBy: ['scriptName', 'event.request.method', { path: '$event.request.url' }],
        $compute: {
          requestCount: { $count: '*' },
          avgLatency: { $avg: 'duration' },
          errorRate: { $avg: { $cond: [{ $ne: ['$outcome', 'ok'] }, 1, 0] } },
        },
      },
      catalog,
    )
    expect(fieldsOf(view)).toEqual({
      scriptName: 'string?',
      event_request_method: 'variant?',
      path: 'variant?',
      requestCount: 'double!',
      avgLatency: 'double?',
      errorRate: 'double?',
      _state: 'variant?',
    })
    const [, method, path] = view.groupBy ?? []
    expect(method).toMatchObject({ kind: 'path', path: 'event.request.method' })
    expect(method?.evaluate({ event: { request: { method: 'GET' } } })).toBe('GET')
    expect(method?.evaluate({ event: null })).toBeNull()
    expect(path).toMatchObject({ kind: 'expression' })
    expect(view.warnings).toEqual(['view "EndpointMetrics": $compute.avgLatency: field "duration" is not a column of TailEvents, so it reads as null'])
  })

  it('EvalTrends: min and max keep the decimal type of the score', () => {
    expect(fieldsOf(plan('EvalTrends'))).toEqual({
      suiteName: 'string?',
      scorerName: 'string?',
      week: 'timestamp?',
      avgScore: 'double?',
      minScore: 'decimal(5,4)?',
      maxScore: 'decimal(5,4)?',
      runCount: 'double!',
      _state: 'variant?',
    })
  })

  it('AIErrors, GeneratedObjects and AdHocReport copy their sources', () => {
    expect(fieldsOf(plan('AIErrors'))).toEqual({
      modelId: 'string!',
      providerId: 'string!',
      requestType: 'string!',
      tokens: 'int?',
      latencyMs: 'int!',
      cached: 'boolean!',
      error: 'variant?',
      timestamp: 'timestamp!',
    })
    expect(plan('AIErrors').outputSchema.typeName).toBe('AIErrors')
    expect(plan('GeneratedObjects').filter?.test({ contentType: 'object' })).toBe(true)
    expect(plan('GeneratedObjects').filter?.test({ contentType: 'text' })).toBe(false)
    expect(fieldsOf(plan('AdHocReport'))).toEqual({ total: 'decimal(10,2)!', status: 'string!', customer: '-> Customer' })
    expect(plan('AdHocReport').refresh).toEqual({ mode: 'manual', strategy: 'replace' })
  })
})

describe('the other definitions of the documents parse too', () => {
  it('OrderMetrics: a group key through a relation expands it implicitly', () => {
    const view = parseView(
      'OrderMetrics',
      {
        $type: 'OrderMetricsView',
        $from: 'Order',
        $groupBy: ['status', 'customer.tier', { day: '$createdAt' }],
        $compute: {
          orderCount: { $count: '*' },
          totalRevenue: { $sum: 'total' },
          avgOrderValue: { $avg: 'total' },
          minOrder: { $min: 'total' },
          maxOrder: { $max: 'total' },
        },
      },
      catalog,
    )
    expect(view.typeName).toBe('OrderMetricsView')
    expect(fieldsOf(view)).toEqual({
      status: 'string?',
      customer_tier: 'string?',
      day: 'timestamp?',
      orderCount: 'double!',
      totalRevenue: 'decimal(38,2)?',
      avgOrderValue: 'double?',
      minOrder: 'decimal(10,2)?',
      maxOrder: 'decimal(10,2)?',
      _state: 'variant?',
    })
    expect(view.expand).toEqual([
      { path: 'customer', steps: [{ field: 'customer', direction: 'forward', from: 'Order', target: 'Customer', many: false }], prefix: 'customer', columns: [{ name: 'customer_name', field: 'name' }, { name: 'customer_email', field: 'email' }, { name: 'customer_tier', field: 'tier' }], implicit: true },
    ])
    expect(view.groupBy?.[1]).toMatchObject({ name: 'customer_tier', kind: 'field', path: 'customer_tier' })
    expect(view.sourceFields).toEqual(['$id', 'createdAt', 'total', 'status', 'customer'])
  })

  it('OrderAnalytics with $compute: one global group; a path through the fanned-out relation reads its column', () => {
    const view = parseView(
      'OrderAnalytics',
      {
        $from: 'Order',
        $expand: ['customer', 'items.product'],
        $flatten: { customer: 'buyer' },
        $compute: { totalItems: { $count: 'items' }, orderValue: { $sum: 'items.price' } },
      },
      catalog,
    )
    expect(view.kind).toBe('groups')
    expect(view.groupBy).toBeUndefined()
    expect(fieldsOf(view)).toEqual({ totalItems: 'double!', orderValue: 'decimal(38,2)?', _state: 'variant?' })
    expect(view.expand.map((expansion) => [expansion.path, expansion.implicit])).toEqual([
      ['customer', false],
      ['items.product', false],
      ['items', true],
    ])
    expect(view.compute?.[1]?.aggregate.fields).toEqual(['items_price'])
    expect(view.warnings).toContain(
      'view "OrderAnalytics": $compute.totalItems: "items" is a reverse relation of Order (<- OrderItem[]), which is not stored, so it reads as null; read the related fields instead ("items.<field>")',
    )
  })

  it('RealtimeOrders, DailyAnalytics, MyView, AdHocReport with $type', () => {
    expect(parseView('RealtimeOrders', { $type: 'RealtimeOrdersView', $from: 'Order', $expand: ['customer'], $refresh: { mode: 'streaming' } }, catalog).outputFields).toEqual([
      'total',
      'status',
      'customer',
      'customer_name',
      'customer_email',
      'customer_tier',
    ])
    const daily = parseView(
      'DailyAnalytics',
      { $type: 'DailyAnalyticsView', $from: 'Order', $expand: ['customer', 'items.product'], $refresh: { mode: 'scheduled', schedule: '0 2 * * *', strategy: 'replace', timezone: 'UTC' } },
      catalog,
    )
    expect(daily.refresh).toEqual({ mode: 'scheduled', schedule: '0 2 * * *', strategy: 'replace', timeZone: 'UTC' })
    expect(daily.typeName).toBe('DailyAnalyticsView')
    expect(parseView('MyView', { $type: 'MyView', $from: 'MyCollection', $refresh: { mode: 'streaming' } }, catalog).outputFields).toEqual(['status'])
    expect(parseView('AdHocReport', { $type: 'AdHocReportView', $from: 'Order', $refresh: { mode: 'manual' } }, catalog).outputSchema.typeName).toBe('AdHocReportView')
  })

  it('DailySales as first shown, ScoreTrends and DailyUsage', () => {
    const sales = parseView('DailySales', { $from: 'Order', $groupBy: [{ date: '$createdAt' }], $compute: { revenue: { $sum: 'total' } }, $refresh: { mode: 'scheduled', schedule: '0 * * * *' } }, catalog)
    expect(sales.outputFields).toEqual(['date', 'revenue'])
    const trends = parseView('ScoreTrends', { $from: 'EvalScores', $groupBy: ['suiteName', { week: '$timestamp' }], $compute: { avgScore: { $avg: 'score' }, runCount: { $count: '*' } } }, catalog)
    expect(fieldsOf(trends)).toEqual({ suiteName: 'string?', week: 'timestamp?', avgScore: 'double?', runCount: 'double!', _state: 'variant?' })
    const usage = parseView('DailyUsage', { $from: 'AIRequests', $groupBy: [{ date: '$timestamp' }, 'modelId'], $compute: { count: { $count: '*' }, tokens: { $sum: 'tokens' } } }, catalog)
    expect(fieldsOf(usage)).toEqual({ date: 'date?', modelId: 'string?', count: 'double!', tokens: 'double?', _state: 'variant?' })
    const small = parseView('DailyAIUsage', { $from: 'AIRequests', $groupBy: [{ date: '$timestamp' }], $compute: { count: { $count: '*' } } }, catalog)
    expect(small.outputFields).toEqual(['date', 'count'])
  })

  it('WeeklyAIUsage over the small DailyAIUsage of the documents', () => {
    const views = new Map<string, unknown>([
      ['DailyAIUsage', { $from: 'AIRequests', $groupBy: [{ date: '$timestamp' }], $compute: { count: { $count: '*' } } }],
      ['WeeklyAIUsage', { $from: 'DailyAIUsage', $groupBy: [{ week: '$date' }], $compute: { totalRequests: { $sum: 'requestCount' } } }],
    ])
    const weekly = parseViews({ collections: catalog.collections, views }).get('WeeklyAIUsage')
    expect(weekly?.warnings).toEqual(['view "WeeklyAIUsage": $compute.totalRequests: field "requestCount" is not a column of DailyAIUsage, so it reads as null'])
  })
})
