import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compileFilter } from '../../query/compile-filter.ts'
import type { Filter } from '../../query/types.ts'
import type { Row } from '../../schema/types.ts'
import type { ViewPlan } from '../define/types.ts'
import { groupKeyOf } from '../pipeline/group-key-of.ts'
import { NO_RELATED } from '../pipeline/related-rows.ts'
import { planOf, testPlan } from '../pipeline/test-fixtures.ts'
import { workingRows } from '../pipeline/working-rows.ts'
import { filterForGroup } from './filter-for-group.ts'

/** The filter compiled as the source collection would compile it (literals coerced by schema). */
function test(plan: ViewPlan, filter: Filter | undefined): (row: Row) => boolean {
  if (filter === undefined) throw new Error('no filter')
  return compileFilter(filter, { label: `collection "${plan.source}"`, schema: plan.sourceSchema }).test
}

/** True when some working row of the source row falls in the group. */
const feeds = (plan: ViewPlan, groupId: string) => (row: Row) => workingRows(plan, row, NO_RELATED).some((working) => groupKeyOf(plan, working).id === groupId)

describe('filterForGroup', () => {
  it('DailySales: the day becomes a range of createdAt, the status an equality', () => {
    const plan = testPlan('DailySales')
    const filter = filterForGroup(plan, ['2024-01-15', 'paid'])
    expect(filter).toEqual({
      $and: [{ createdAt: { $gte: new Date('2024-01-15T00:00:00Z'), $lt: new Date('2024-01-16T00:00:00Z') } }, { status: { $eq: 'paid' } }],
    })
    const matches = test(plan, filter)
    expect(matches({ createdAt: new Date('2024-01-15T23:59:59.999Z'), status: 'paid' })).toBe(true)
    expect(matches({ createdAt: new Date('2024-01-16T00:00:00Z'), status: 'paid' })).toBe(false)
    expect(matches({ createdAt: new Date('2024-01-15T12:00:00Z'), status: 'pending' })).toBe(false)
    // The group row's own fields work as the key too; a null key matches null and missing.
    expect(filterForGroup(plan, { date: '2024-01-15', status: 'paid', orderCount: 3 })).toEqual(filter)
    expect(test(plan, filterForGroup(plan, ['2024-01-15', null]))({ createdAt: new Date('2024-01-15T01:00:00Z') })).toBe(true)
  })

  it('cuts buckets in the view time zone', () => {
    const plan = planOf('BerlinDays', { $from: 'Order', $timezone: 'Europe/Berlin', $groupBy: [{ day: '$createdAt' }], $compute: { n: { $count: '*' } } })
    const key = groupKeyOf(plan, { createdAt: new Date('2024-10-27T12:00:00Z') })
    expect(filterForGroup(plan, key.values)).toEqual({ createdAt: { $gte: new Date('2024-10-26T22:00:00Z'), $lt: new Date('2024-10-27T23:00:00Z') } })
  })

  it('EvalTrends: a week of timestamps, with the string keys', () => {
    const plan = testPlan('EvalTrends')
    expect(filterForGroup(plan, ['qa', 'exact', new Date('2024-01-15T00:00:00Z')])).toEqual({
      $and: [{ suiteName: { $eq: 'qa' } }, { scorerName: { $eq: 'exact' } }, { timestamp: { $gte: new Date('2024-01-15T00:00:00Z'), $lt: new Date('2024-01-22T00:00:00Z') } }],
    })
  })

  it('WeeklyAIUsage: a week of calendar days over a view with a date column', () => {
    const plan = testPlan('WeeklyAIUsage')
    const filter = filterForGroup(plan, [new Date('2024-01-15T00:00:00Z')])
    expect(filter).toEqual({ date: { $gte: '2024-01-15', $lt: '2024-01-22' } })
    const matches = test(plan, filter)
    expect(['2024-01-14', '2024-01-15', '2024-01-21', '2024-01-22'].map((date) => matches({ date }))).toEqual([false, true, true, false])
  })

  it("RequestsByMethod: the view's $filter, a JSON path and an hour", () => {
    const plan = testPlan('RequestsByMethod')
    const hour = new Date('2024-01-15T10:00:00Z')
    expect(filterForGroup(plan, ['api', 'GET', hour])).toEqual({
      $and: [{ event: { $exists: true } }, { scriptName: { $eq: 'api' } }, { 'event.request.method': { $eq: 'GET' } }, { eventTimestamp: { $gte: hour, $lt: new Date('2024-01-15T11:00:00Z') } }],
    })
    // A null JSON key may come from a list on the path, which the filter reads differently: no condition.
    expect(filterForGroup(plan, ['api', null, hour])).toEqual({
      $and: [{ event: { $exists: true } }, { scriptName: { $eq: 'api' } }, { eventTimestamp: { $gte: hour, $lt: new Date('2024-01-15T11:00:00Z') } }],
    })
    const odd = { scriptName: 'api', eventTimestamp: new Date('2024-01-15T10:30:00Z'), event: { request: [{ method: 'GET' }] } }
    expect(groupKeyOf(plan, odd).values[1]).toBeNull()
    expect(test(plan, filterForGroup(plan, ['api', null, hour]))(odd)).toBe(true)
  })

  it('LogLevels: a key inside the unnested list selects rows holding such an element', () => {
    const plan = testPlan('LogLevels')
    const filter = filterForGroup(plan, ['api', 'warn'])
    expect(filter).toEqual({ $and: [{ scriptName: { $eq: 'api' } }, { 'logs.level': { $eq: 'warn' } }] })
    const matches = test(plan, filter)
    expect(matches({ scriptName: 'api', logs: [{ level: 'info' }, { level: 'warn' }] })).toBe(true)
    expect(matches({ scriptName: 'api', logs: [{ level: 'info' }] })).toBe(false)
    expect(filterForGroup(plan, ['api', null])).toEqual({ scriptName: { $eq: 'api' } })
  })

  it('is undefined for keys no source filter can express', () => {
    expect(filterForGroup(testPlan('TierRevenue'), ['gold'])).toBeUndefined()
    const expression = planOf('ByCache', { $from: 'AIRequests', $groupBy: [{ slow: { $gt: ['$latencyMs', 100] } }], $compute: { n: { $count: '*' } } })
    expect(filterForGroup(expression, [true])).toBeUndefined()
    const bucketOfExpression = planOf('ByLogDay', { $from: 'TailEvents', $groupBy: [{ day: { $ifNull: ['$logs.0.timestamp', '$eventTimestamp'] } }] })
    expect(filterForGroup(bucketOfExpression, [new Date(0)])).toBeUndefined()
    const stringBucket = planOf('ByRunDay', { $from: 'AIRequests', $groupBy: [{ day: '$modelId' }] })
    expect(filterForGroup(stringBucket, [new Date(0)])).toBeUndefined()
  })

  it('a view without $groupBy selects what its $filter selects', () => {
    expect(filterForGroup(planOf('Total', { $from: 'Order', $compute: { n: { $count: '*' } } }), [])).toEqual({})
    expect(filterForGroup(planOf('Paid', { $from: 'Order', $filter: { status: 'paid' }, $compute: { n: { $count: '*' } } }), [])).toEqual({ status: 'paid' })
    expect(() => filterForGroup(testPlan('DailySales'), ['2024-01-15'])).toThrow(/2 group keys/)
  })

  it('selects exactly the source rows of a bucket group, in any zone and unit', () => {
    const zones = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe']
    const units = ['minute', 'hour', 'day', 'date', 'week', 'month'] as const
    const plans = new Map(zones.flatMap((zone) => units.map((unit) => [`${zone} ${unit}`, planOf('Buckets', { $from: 'AIRequests', $timezone: zone, $groupBy: [{ [unit]: '$timestamp' }] })])))
    // Instants around the DST changes of 2024 in these zones, and anywhere else.
    const instant = fc.oneof(
      fc.integer({ min: Date.UTC(2024, 2, 29), max: Date.UTC(2024, 3, 9) }),
      fc.integer({ min: Date.UTC(2024, 9, 25), max: Date.UTC(2024, 10, 5) }),
      fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2040, 0, 1) }),
    )
    fc.assert(
      fc.property(fc.constantFrom(...plans.keys()), instant, fc.array(fc.integer({ min: -40 * 86_400_000, max: 40 * 86_400_000 }), { maxLength: 12 }), (name, at, offsets) => {
        const plan = plans.get(name) as ViewPlan
        const row = { timestamp: new Date(at) }
        const key = groupKeyOf(plan, row)
        const matches = test(plan, filterForGroup(plan, key.values))
        expect(matches(row)).toBe(true)
        for (const offset of [1, -1, 60_000, -60_000, 3_600_000, -3_600_000, ...offsets]) {
          const other = { timestamp: new Date(at + offset) }
          expect(matches(other)).toBe(groupKeyOf(plan, other).id === key.id)
        }
      }),
      { numRuns: 400 },
    )
  })

  it('selects at least every source row feeding a group, for random tail events', () => {
    const plans = [testPlan('LogLevels'), testPlan('RequestsByMethod')]
    const json = fc.oneof(fc.constant(null), fc.constantFrom('GET', 'POST', 'info', 'warn'), fc.integer({ min: 0, max: 3 }))
    const log = fc.oneof(fc.constant(null), fc.record({ level: json, message: json }), fc.array(json, { maxLength: 2 }))
    const event = fc.oneof(
      fc.constant(null),
      fc.record({ request: fc.oneof(fc.record({ method: json }), fc.array(fc.record({ method: json }), { maxLength: 2 }), json) }),
    )
    const source = fc.record({
      $id: fc.string({ minLength: 1, maxLength: 3 }),
      scriptName: fc.constantFrom('api', 'web'),
      eventTimestamp: fc.date({ min: new Date('2024-01-15T00:00:00Z'), max: new Date('2024-01-15T05:00:00Z'), noInvalidDate: true }),
      event,
      logs: fc.oneof(fc.constant(null), fc.array(log, { maxLength: 4 })),
    })
    fc.assert(
      fc.property(fc.array(source, { maxLength: 12 }), (rows) => {
        for (const plan of plans) {
          const groups = new Map(rows.flatMap((row) => workingRows(plan, row, NO_RELATED).map((working) => groupKeyOf(plan, working))).map((key) => [key.id, key]))
          for (const key of groups.values()) {
            const matches = test(plan, filterForGroup(plan, key.values))
            for (const row of rows.filter(feeds(plan, key.id))) expect(matches(row)).toBe(true)
          }
        }
      }),
      { numRuns: 200 },
    )
  })
})
