import { describe, expect, it } from 'vitest'
import { parseView, parseViews } from './parse-view.ts'
import { collections, seedCatalog } from './test-fixtures.ts'
import type { ViewCatalog, ViewPlan } from './types.ts'

const catalog = seedCatalog()

function fieldsOf(plan: ViewPlan): Record<string, string> {
  return Object.fromEntries(plan.outputSchema.fields.map((field) => [field.name, field.source]))
}

/** Every plain object and array reachable from a value is frozen (functions and schemas aside). */
function deeplyFrozen(value: unknown, seen = new Set<unknown>()): boolean {
  if (typeof value !== 'object' || value === null || seen.has(value) || value instanceof RegExp || value instanceof Map) return true
  seen.add(value)
  if (!Object.isFrozen(value)) return false
  return Object.values(value).every((item) => deeplyFrozen(item, seen))
}

describe('parseView', () => {
  it('returns a deeply frozen plan holding a copy of the definition', () => {
    const raw = { $from: 'TailEvents', $filter: { outcome: { $in: ['exception'] } }, $groupBy: ['scriptName'], $compute: { n: { $count: '*' } } }
    const plan = parseView('Errors', raw, catalog)
    expect(deeplyFrozen(plan)).toBe(true)
    expect(plan.definition).toEqual(raw)
    raw.$filter.outcome.$in.push('ok')
    expect(plan.filter?.test({ outcome: 'ok' })).toBe(false)
    expect(plan.definition).toEqual({ ...raw, $filter: { outcome: { $in: ['exception'] } } })
  })

  it('hashes the definition independently of key order', () => {
    const a = parseView('V', { $from: 'Order', $groupBy: ['status'], $compute: { n: { $count: '*' }, t: { $sum: 'total' } } }, catalog)
    const b = parseView('V', { $compute: { t: { $sum: 'total' }, n: { $count: '*' } }, $groupBy: ['status'], $from: 'Order' }, catalog)
    const c = parseView('V', { $from: 'Order', $groupBy: ['status'], $compute: { n: { $count: '*' }, t: { $sum: 'total' } }, $timezone: 'UTC' }, catalog)
    expect(a.hash).toBe(b.hash)
    expect(a.hash).not.toBe(c.hash)
    expect(a.hash).toMatch(/^[0-9a-f]{16}$/)
    // Key order does change the output column order, which the plan keeps.
    expect(a.outputFields).toEqual(['status', 'n', 't'])
    expect(b.outputFields).toEqual(['status', 't', 'n'])
  })

  it('cuts buckets in $timezone, else $refresh.timezone, else UTC', () => {
    const definition = { $from: 'AIRequests', $groupBy: [{ date: '$timestamp' }], $compute: { n: { $count: '*' } } }
    const lateEvening = { timestamp: new Date('2024-01-15T23:30:00Z') }
    const utc = parseView('V', definition, catalog)
    expect(utc.timeZone).toBe('UTC')
    expect(utc.groupBy?.[0]?.evaluate(lateEvening)).toBe('2024-01-15')
    const berlin = parseView('V', { ...definition, $timezone: 'Europe/Berlin', $refresh: { timezone: 'America/New_York' } }, catalog)
    expect(berlin.timeZone).toBe('Europe/Berlin')
    expect(berlin.groupBy?.[0]?.evaluate(lateEvening)).toBe('2024-01-16')
    expect(berlin.groupBy?.[0]?.bucket).toEqual({ unit: 'date', timeZone: 'Europe/Berlin', field: 'timestamp' })
    const fallback = parseView('V', { ...definition, $refresh: { mode: 'manual', timezone: 'America/New_York' } }, catalog)
    expect(fallback.timeZone).toBe('America/New_York')
    expect(fallback.groupBy?.[0]?.evaluate({ timestamp: new Date('2024-01-16T03:30:00Z') })).toBe('2024-01-15')
    expect(fallback.groupBy?.[0]?.evaluate({ timestamp: null })).toBeNull()
  })

  it('buckets every unit, through expressions too', () => {
    const plan = parseView(
      'V',
      {
        $from: 'TailEvents',
        $timezone: 'America/New_York',
        $groupBy: [{ minute: '$eventTimestamp' }, { hour: '$eventTimestamp' }, { day: '$eventTimestamp' }, { week: '$eventTimestamp' }, { month: { $ifNull: ['$logs.0.timestamp', '$eventTimestamp'] } }],
      },
      catalog,
    )
    const row = { eventTimestamp: new Date('2024-11-03T06:30:45Z'), logs: [] }
    expect(plan.groupBy?.map((key) => (key.evaluate(row) as Date).toISOString())).toEqual([
      '2024-11-03T06:30:00.000Z',
      '2024-11-03T06:00:00.000Z',
      '2024-11-03T04:00:00.000Z',
      '2024-10-28T04:00:00.000Z',
      '2024-11-01T04:00:00.000Z',
    ])
    expect(plan.groupBy?.[4]).toMatchObject({ kind: 'bucket', bucket: { unit: 'month', timeZone: 'America/New_York' }, fields: ['logs', 'eventTimestamp'] })
    expect(plan.groupBy?.[4]?.bucket?.field).toBeUndefined()
    expect(plan.outputFields).toEqual(['minute', 'hour', 'day', 'week', 'month'])
  })

  it('allows $groupBy alone (distinct keys) and $compute alone (one group)', () => {
    const distinct = parseView('V', { $from: 'TailEvents', $groupBy: ['scriptName', 'outcome'] }, catalog)
    expect(distinct).toMatchObject({ kind: 'groups', outputFields: ['scriptName', 'outcome'], hiddenFields: ['_state'] })
    expect(distinct.compute).toBeUndefined()
    const total = parseView('V', { $from: 'TailEvents', $compute: { events: { $count: '*' } } }, catalog)
    expect(total).toMatchObject({ kind: 'groups', outputFields: ['events'] })
    expect(total.groupBy).toBeUndefined()
    expect(total.sourceFields).toEqual(['$id'])
  })

  it('types aggregates by operator and input', () => {
    const withBigint: ViewCatalog = { collections: collections({ Usage: { bytes: 'bigint!', at: 'timestamp!', ratio: 'float?', tags: 'string[]', account: '-> Customer' } }), views: new Map() }
    const plan = parseView(
      'V',
      {
        $from: 'Usage',
        $compute: {
          bytes: { $sum: 'bytes' },
          ratioSum: { $sum: 'ratio' },
          nonNull: { $count: 'ratio' },
          first: { $min: 'at' },
          last: { $last: 'at' },
          computed: { $max: { $add: ['$ratio', 1] } },
          spread: { $stddev: 'ratio' },
          variance: { $variance: 'bytes' },
          p95: { $percentile: ['ratio', 0.95] },
          firstAccount: { $first: 'account' },
          someTags: { $max: 'tags' },
          firstTag: { $min: 'tags.0' },
          unknown: { $min: 'nothing' },
        },
      },
      withBigint,
    )
    expect(fieldsOf(plan)).toEqual({
      bytes: 'bigint?',
      ratioSum: 'double?',
      nonNull: 'double!',
      first: 'timestamp?',
      last: 'timestamp?',
      computed: 'variant?',
      spread: 'double?',
      variance: 'double?',
      p95: 'double?',
      firstAccount: '-> Customer?',
      someTags: 'string[]?',
      firstTag: 'string?',
      unknown: 'variant?',
      _state: 'variant?',
    })
    expect(plan.warnings).toEqual(['view "V": $compute.unknown: field "nothing" is not a column of Usage, so it reads as null'])
  })

  it('copies a list element when unnesting a typed list', () => {
    const tagged: ViewCatalog = { collections: collections({ Post: { title: 'string!', tags: 'string[]!', scores: 'decimal(5,2)[]' } }), views: new Map() }
    const plan = parseView('V', { $from: 'Post', $unnest: 'scores' }, tagged)
    expect(plan.unnest).toEqual({ field: 'scores', element: 'decimal(5,2)?' })
    expect(fieldsOf(plan)).toEqual({ title: 'string!', tags: 'string[]!', scores: 'decimal(5,2)?' })
    const sum = parseView('V', { $from: 'Post', $unnest: 'scores', $groupBy: ['title'], $compute: { total: { $sum: 'scores' } } }, tagged)
    expect(fieldsOf(sum).total).toBe('decimal(38,2)?')
  })

  it('reads $select through relations, expanding them implicitly', () => {
    const plan = parseView('V', { $from: 'Order', $select: { status: '$status', buyer: '$customer.name', tier: { $ifNull: ['$customer.tier', 'none'] } } }, catalog)
    expect(fieldsOf(plan)).toEqual({ status: 'string?', buyer: 'string?', tier: 'variant?' })
    expect(plan.expand.map((expansion) => [expansion.path, expansion.implicit])).toEqual([['customer', true]])
    const [status, buyer, tier] = plan.select ?? []
    const working = { status: 'paid', customer: 'c1', customer_name: 'Ada', customer_tier: null }
    expect([status?.evaluate(working), buyer?.evaluate(working), tier?.evaluate(working)]).toEqual(['paid', 'Ada', 'none'])
    expect(buyer?.fields).toEqual(['customer_name'])
    expect(plan.sourceFields).toEqual(['$id', 'status', 'customer'])
  })

  it('reads flattened columns by their new names, and nested paths take the nearest flattened prefix', () => {
    const shop: ViewCatalog = {
      collections: collections({
        Customer: { name: 'string!', address: '-> Address' },
        Address: { city: 'string!', geo: 'variant?' },
      }),
      views: new Map(),
    }
    const plan = parseView('V', { $from: 'Order', $expand: ['customer', 'customer.address'], $flatten: { customer: 'buyer' } }, shop)
    expect(fieldsOf(plan)).toMatchObject({ buyer_name: 'string?', buyer_address: '-> Address?', buyer_address_city: 'string?', buyer_address_geo: 'variant?' })
    const selected = parseView('V', { $from: 'Order', $expand: ['customer'], $flatten: { customer: 'buyer' }, $select: { who: '$buyer_name', city: '$customer.address.city', lat: '$customer.address.geo.lat' } }, shop)
    expect(fieldsOf(selected)).toEqual({ who: 'string?', city: 'string?', lat: 'variant?' })
    expect(selected.expand.map((expansion) => [expansion.path, expansion.prefix, expansion.implicit])).toEqual([
      ['customer', 'buyer', false],
      ['customer.address', 'buyer_address', true],
    ])
    expect(selected.select?.[2]?.evaluate({ buyer_address_geo: { lat: 52.5 } })).toBe(52.5)
  })

  it('expands three levels and a forward list, one element per row after $unnest', () => {
    const shop: ViewCatalog = {
      collections: collections({
        OrderItem: { order: '-> Order', price: 'decimal(10,2)!', product: '-> Product' },
        Product: { name: 'string!', category: '-> Category' },
        Category: { title: 'string!' },
        Post: { tags: '-> Tag[]' },
        Tag: { label: 'string!' },
      }),
      views: new Map(),
    }
    const deep = parseView('V', { $from: 'Order', $expand: ['items.product.category'] }, shop)
    expect(deep.expand[0]?.steps.map((step) => [step.field, step.many, step.via])).toEqual([
      ['items', true, 'order'],
      ['product', false, undefined],
      ['category', false, undefined],
    ])
    expect(deep.outputFields).toContain('items_product_category_title')
    const unnested = parseView('V', { $from: 'Post', $unnest: 'tags', $expand: ['tags'] }, shop)
    expect(unnested.expand[0]?.steps[0]).toMatchObject({ field: 'tags', direction: 'forward', many: false })
    expect(fieldsOf(unnested)).toEqual({ tags: '-> Tag?', tags_label: 'string?' })
    const fanned = parseView('V', { $from: 'Post', $expand: ['tags'] }, shop)
    expect(fanned.expand[0]?.steps[0]).toMatchObject({ many: true })
  })

  it('lets a view expand a relation its source view copied', () => {
    const views = new Map<string, unknown>([['Paid', { $from: 'Order', $filter: { status: 'paid' } }]])
    const plan = parseView('V', { $from: 'Paid', $expand: ['customer'] }, { collections: catalog.collections, views })
    expect(plan).toMatchObject({ source: 'Paid', sourceKind: 'view' })
    expect(plan.outputFields).toEqual(['total', 'status', 'customer', 'customer_name', 'customer_email', 'customer_tier'])
  })

  it('copies the visible columns of a grouped source view', () => {
    const plan = parseView('V', { $from: 'DailySales' }, catalog)
    expect(fieldsOf(plan)).toEqual({ date: 'date?', status: 'string?', orderCount: 'double!', revenue: 'decimal(38,2)?', avgOrder: 'double?' })
  })

  it('coerces filter literals to the source kinds', () => {
    const plan = parseView('V', { $from: 'Order', $filter: { createdAt: { $gte: '2024-01-01' }, total: { $gt: '10.5' } } }, catalog)
    expect(plan.filter?.test({ createdAt: new Date('2024-02-01'), total: 11 })).toBe(true)
    expect(plan.filter?.test({ createdAt: new Date('2023-12-31'), total: 11 })).toBe(false)
    expect(plan.filter?.columns).toEqual(['createdAt', 'total'])
  })

  it('warns about reads of fields the source lacks, once per place', () => {
    const plan = parseView('V', { $from: 'TailEvents', $select: { a: '$duration', b: { $add: ['$duration', '$duration'] } } }, catalog)
    expect(plan.warnings).toEqual([
      'view "V": $select.a: field "duration" is not a column of TailEvents, so it reads as null',
      'view "V": $select.b: field "duration" is not a column of TailEvents, so it reads as null',
    ])
    expect(plan.sourceFields).toEqual(['$id'])
  })
})

describe('parseViews', () => {
  it('parses each view once, however many depend on it', () => {
    const views = new Map<string, unknown>([
      ['Requests', { $from: 'TailEvents', $select: { scriptName: '$scriptName', at: '$eventTimestamp' } }],
      ['Hourly', { $from: 'Requests', $groupBy: ['scriptName', { hour: '$at' }] }],
      ['Daily', { $from: 'Requests', $groupBy: ['scriptName', { day: '$at' }] }],
    ])
    const plans = parseViews({ collections: catalog.collections, views })
    expect([...plans.keys()]).toEqual(['Requests', 'Daily', 'Hourly'])
    expect(plans.get('Hourly')?.sourceSchema).toBe(plans.get('Daily')?.sourceSchema)
    expect(plans.get('Requests')?.outputSchema).toBe(plans.get('Hourly')?.sourceSchema)
  })
})
