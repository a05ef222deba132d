import { describe, expect, it } from 'vitest'
import { MAX_ID_LENGTH } from '../../schema/value-normalizer.ts'
import { collections } from '../define/test-fixtures.ts'
import { parseView } from '../define/parse-view.ts'
import { deriveRows } from './derive-rows.ts'
import { RelatedIndex } from './related-index.ts'
import { NO_RELATED } from './related-rows.ts'
import { entity, testPlan } from './test-fixtures.ts'

const fetchEvent = (method: string, status?: number) => ({
  request: { url: `https://api.example.com/${method.toLowerCase()}`, method, cf: { colo: 'SJC', country: 'US' } },
  ...(status === undefined ? {} : { response: { status } }),
})

describe('deriveRows: $unnest + $select (WorkerLogs)', () => {
  const plan = testPlan('WorkerLogs')
  const event = entity(
    'e1',
    {
      scriptName: 'api',
      outcome: 'ok',
      eventTimestamp: new Date('2024-01-15T10:00:00Z'),
      event: fetchEvent('GET', 200),
      logs: [
        { level: 'info', message: ['start'], timestamp: 1 },
        { level: 'warn', message: ['slow'], timestamp: 2 },
      ],
      exceptions: [],
    },
    0,
    5,
  )

  it('gives one row per element, ids <source>#<index>, the source timestamps and the selected values', () => {
    expect(deriveRows(plan, event, NO_RELATED)).toEqual([
      { $id: 'e1#0', createdAt: event.createdAt, updatedAt: event.updatedAt, scriptName: 'api', level: 'info', message: ['start'], timestamp: 1, colo: 'SJC' },
      { $id: 'e1#1', createdAt: event.createdAt, updatedAt: event.updatedAt, scriptName: 'api', level: 'warn', message: ['slow'], timestamp: 2, colo: 'SJC' },
    ])
  })

  it('follows DuckDB unnest: null elements give rows of nulls, an empty or null list no rows', () => {
    const withNull = { ...event, logs: [null, { level: 'error' }] }
    expect(deriveRows(plan, withNull, NO_RELATED).map((row) => [row.$id, row.level, row.message])).toEqual([
      ['e1#0', null, null],
      ['e1#1', 'error', null],
    ])
    expect(deriveRows(plan, { ...event, logs: [] }, NO_RELATED)).toEqual([])
    expect(deriveRows(plan, { ...event, logs: null }, NO_RELATED)).toEqual([])
    expect(deriveRows(plan, { $id: 'e2', scriptName: 'api' }, NO_RELATED)).toEqual([])
  })

  it('reads missing JSON as null and leaves out timestamps the source row lacks', () => {
    expect(deriveRows(plan, { $id: 'e3', scriptName: 'cron', event: null, logs: [{}] }, NO_RELATED)).toEqual([
      { $id: 'e3#0', scriptName: 'cron', level: null, message: null, timestamp: null, colo: null },
    ])
  })

  it('escapes # % ~ in fanned-out ids, so ids of different rows never meet', () => {
    const ids = [
      ...deriveRows(plan, { $id: 'a#1', logs: [{}] }, NO_RELATED),
      ...deriveRows(plan, { $id: 'a', logs: [{}, {}] }, NO_RELATED),
      ...deriveRows(plan, { $id: '50%~', logs: [{}] }, NO_RELATED),
    ].map((row) => row.$id)
    expect(ids).toEqual(['a%231#0', 'a#0', 'a#1', '50%25%7E#0'])
  })

  it('keeps ids within the $id limit, distinct and readable', () => {
    const long = 'x'.repeat(MAX_ID_LENGTH)
    const rows = deriveRows(plan, { $id: long, logs: [{}, {}] }, NO_RELATED)
    const ids = rows.map((row) => row.$id as string)
    expect(ids.every((id) => id.length <= MAX_ID_LENGTH && id.startsWith('xxxx') && /~[0-9a-f]{16}$/.test(id))).toBe(true)
    expect(new Set(ids).size).toBe(2)
  })
})

describe('deriveRows: $filter + $select', () => {
  it('WorkerErrors: $or of a non-ok outcome and a first exception', () => {
    const plan = testPlan('WorkerErrors')
    const base = { scriptName: 'api', eventTimestamp: new Date('2024-01-15T10:00:00Z'), event: fetchEvent('POST', 500), logs: [] }
    const ok = entity('ok', { ...base, outcome: 'ok', exceptions: [] })
    const thrown = entity('thrown', { ...base, outcome: 'ok', exceptions: [{ name: 'TypeError', message: 'x is undefined' }] })
    const canceled = entity('canceled', { ...base, outcome: 'canceled', event: fetchEvent('GET'), exceptions: [] })
    expect(deriveRows(plan, ok, NO_RELATED)).toEqual([])
    expect(deriveRows(plan, thrown, NO_RELATED)).toEqual([
      {
        $id: 'thrown',
        createdAt: thrown.createdAt,
        updatedAt: thrown.updatedAt,
        scriptName: 'api',
        outcome: 'ok',
        exceptionName: 'TypeError',
        exceptionMessage: 'x is undefined',
        url: 'https://api.example.com/post',
        status: 500,
        colo: 'SJC',
        timestamp: base.eventTimestamp,
      },
    ])
    expect(deriveRows(plan, canceled, NO_RELATED)).toMatchObject([{ $id: 'canceled', outcome: 'canceled', exceptionName: null, status: null }])
  })

  it('WorkerRequests: rows with an event, JSON paths selected', () => {
    const plan = testPlan('WorkerRequests')
    const request = entity('r1', { scriptName: 'web', outcome: 'ok', eventTimestamp: new Date(0), event: fetchEvent('GET', 200), logs: [], exceptions: [] })
    expect(deriveRows(plan, request, NO_RELATED)).toEqual([
      {
        $id: 'r1',
        createdAt: request.createdAt,
        updatedAt: request.updatedAt,
        scriptName: 'web',
        method: 'GET',
        url: 'https://api.example.com/get',
        status: 200,
        outcome: 'ok',
        colo: 'SJC',
        country: 'US',
        timestamp: new Date(0),
      },
    ])
    expect(deriveRows(plan, { ...request, event: null }, NO_RELATED)).toEqual([])
  })

  it('AIErrors: a filter alone copies every stored field', () => {
    const plan = testPlan('AIErrors')
    const failed = entity('a1', { modelId: 'm', providerId: 'p', requestType: 'generate', tokens: null, latencyMs: 5, cached: false, error: { message: 'rate limited' }, timestamp: new Date(1) })
    expect(deriveRows(plan, failed, NO_RELATED)).toEqual([failed])
    expect(deriveRows(plan, { ...failed, error: null }, NO_RELATED)).toEqual([])
  })

  it('refuses grouped views and rows without an id', () => {
    expect(() => deriveRows(testPlan('DailySales'), { $id: 'o1' }, NO_RELATED)).toThrow(/groups its rows/)
    expect(() => deriveRows(testPlan('AIErrors'), { error: {} }, NO_RELATED)).toThrow(/no \$id/)
  })
})

describe('deriveRows: $expand and $flatten (OrderAnalytics)', () => {
  const plan = testPlan('OrderAnalytics')
  const related = new RelatedIndex()
    .add('Customer', [{ $id: 'c1', name: 'Ada', email: 'ada@example.com', tier: 'gold' }])
    .add('Product', [
      { $id: 'p1', name: 'Pen', sku: 'PEN', price: 1.5 },
      { $id: 'p2', name: 'Ink', sku: 'INK', price: 7.25 },
    ])
    .add('OrderItem', [
      { $id: 'i2', order: 'o1', quantity: 1, price: 7.25, product: 'p2' },
      { $id: 'i1', order: 'o1', quantity: 3, price: 1.5, product: 'p1' },
      { $id: 'i3', order: 'o2', quantity: 1, price: 9, product: 'gone' },
    ])
  const order = entity('o1', { total: 11.75, status: 'paid', customer: 'c1' })

  it('fans out over the items (by $id), with the flattened customer on every row', () => {
    const rows = deriveRows(plan, order, related)
    const buyer = { buyer_name: 'Ada', buyer_email: 'ada@example.com', buyer_tier: 'gold' }
    expect(rows).toEqual([
      { $id: 'o1#i1', createdAt: order.createdAt, updatedAt: order.updatedAt, total: 11.75, status: 'paid', customer: 'c1', ...buyer, items_product_name: 'Pen', items_product_sku: 'PEN', items_product_price: 1.5 },
      { $id: 'o1#i2', createdAt: order.createdAt, updatedAt: order.updatedAt, total: 11.75, status: 'paid', customer: 'c1', ...buyer, items_product_name: 'Ink', items_product_sku: 'INK', items_product_price: 7.25 },
    ])
  })

  it('left-joins: no items gives one row of nulls under the source id; missing entities read as null', () => {
    const lonely = entity('o3', { total: 1, status: 'pending', customer: 'nobody' })
    expect(deriveRows(plan, lonely, related)).toEqual([
      {
        $id: 'o3',
        createdAt: lonely.createdAt,
        updatedAt: lonely.updatedAt,
        total: 1,
        status: 'pending',
        customer: 'nobody',
        buyer_name: null,
        buyer_email: null,
        buyer_tier: null,
        items_product_name: null,
        items_product_sku: null,
        items_product_price: null,
      },
    ])
    const dangling = deriveRows(plan, entity('o2', { total: 9, status: 'paid', customer: null }), related)
    expect(dangling.map((row) => [row.$id, row.buyer_name, row.items_product_name])).toEqual([['o2#i3', null, null]])
  })

  it('with the seed OrderItem (no relation back to Order) items reach nothing, as the plan warns', () => {
    const seedPlan = parseView('OrderAnalytics', plan.definition, { collections: collections(), views: new Map() })
    expect(seedPlan.warnings).toHaveLength(1)
    expect(deriveRows(seedPlan, order, related).map((row) => [row.$id, row.buyer_name, row.items_product_name])).toEqual([['o1', 'Ada', null]])
  })

  it('fans out over a forward list, each id once, and after $unnest expands the element', () => {
    const catalog = { collections: collections({ Post: { title: 'string!', tags: '-> Tag[]' }, Tag: { label: 'string!' } }), views: new Map() }
    const tags = new RelatedIndex().add('Tag', [
      { $id: 't1', label: 'one' },
      { $id: 't2', label: 'two' },
    ])
    const post = { $id: 'post', title: 'Hi', tags: ['t2', 't1', 't2', 'missing'] }
    const fanned = parseView('PostTags', { $from: 'Post', $expand: ['tags'] }, catalog)
    expect(deriveRows(fanned, post, tags).map((row) => [row.$id, row.tags_label])).toEqual([
      ['post#t2', 'two'],
      ['post#t1', 'one'],
    ])
    const unnested = parseView('PostTag', { $from: 'Post', $unnest: 'tags', $expand: ['tags'] }, catalog)
    expect(deriveRows(unnested, post, tags).map((row) => [row.$id, row.tags, row.tags_label])).toEqual([
      ['post#0', 't2', 'two'],
      ['post#1', 't1', 'one'],
      ['post#2', 't2', 'two'],
      ['post#3', 'missing', null],
    ])
  })

  it('a reverse hop to one entity takes the smallest $id, whatever the load order', () => {
    const catalog = { collections: collections({ Customer: { name: 'string!', latest: '<- Order' }, Order: { total: 'int!', customer: '-> Customer' } }), views: new Map() }
    const view = parseView('V', { $from: 'Customer', $expand: ['latest'] }, catalog)
    expect(view.expand[0]?.steps[0]).toMatchObject({ direction: 'reverse', many: false, via: 'customer' })
    const orders = [
      { $id: 'o2', total: 2, customer: 'c1' },
      { $id: 'o1', total: 1, customer: 'c1' },
      { $id: 'o3', total: 3, customer: 'c1' },
    ]
    for (const loaded of [orders, [...orders].reverse()]) {
      expect(deriveRows(view, { $id: 'c1', name: 'Ada' }, new RelatedIndex().add('Order', loaded))).toMatchObject([{ $id: 'c1', latest_total: 1, latest_customer: 'c1' }])
    }
  })

  it('combines $unnest with a fanning $expand: <source>#<index>#<entity>', () => {
    const catalog = {
      collections: collections({ Order: { total: 'int!', notes: 'string[]', items: '<- OrderItem[]' }, OrderItem: { order: '-> Order!', quantity: 'int!' } }),
      views: new Map(),
    }
    const view = parseView('V', { $from: 'Order', $unnest: 'notes', $expand: ['items'] }, catalog)
    const items = new RelatedIndex().add('OrderItem', [{ $id: 'i1', order: 'o1', quantity: 2 }])
    expect(deriveRows(view, { $id: 'o1', total: 2, notes: ['a', 'b'] }, items).map((row) => [row.$id, row.notes, row.items_quantity])).toEqual([
      ['o1#0#i1', 'a', 2],
      ['o1#1#i1', 'b', 2],
    ])
    expect(deriveRows(view, { $id: 'o2', total: 2, notes: ['a'] }, items).map((row) => [row.$id, row.items_quantity])).toEqual([['o2#0', null]])
  })
})
