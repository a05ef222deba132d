import { describe, expect, it } from 'vitest'
import { ParqueDBError } from '../../errors.ts'
import { compileFilter } from '../../query/compile-filter.ts'
import type { Row } from '../../schema/types.ts'
import type { ViewPlan } from '../define/types.ts'
import { NO_RELATED } from '../pipeline/related-rows.ts'
import { byId, entity, testPlan } from '../pipeline/test-fixtures.ts'
import { workingRows } from '../pipeline/working-rows.ts'
import { filterForGroup } from './filter-for-group.ts'
import { fullRefreshRows } from './full-refresh-rows.ts'
import { GroupMaintainer } from './group-maintainer.ts'
import type { GroupChanges } from './types.ts'

const order = (id: string, minute: number, status: string, total: number, customer = 'c1'): Row => entity(id, { status, total, customer }, minute)
const day = 24 * 60

/** Recomputes the groups a batch asks for from `source`, as a caller would. */
function settle(maintainer: GroupMaintainer, changes: GroupChanges, source: readonly Row[]): GroupChanges {
  const plan = maintainer.plan
  const upserts = [...changes.upserts]
  const deleteIds = [...changes.deleteIds]
  for (const id of changes.recompute) {
    const key = maintainer.keyOf(id)
    if (key === undefined) throw new Error(`no key for ${id}`)
    const filter = filterForGroup(plan, key.values)
    const test = filter === undefined ? () => true : compileFilter(filter, { label: 'test', schema: plan.sourceSchema }).test
    const fixed = maintainer.recomputeGroup(
      id,
      source.filter((row) => test(row)).flatMap((row) => workingRows(plan, row, NO_RELATED)),
    )
    upserts.push(...fixed.upserts)
    deleteIds.push(...fixed.deleteIds)
  }
  return { upserts, deleteIds, recompute: [] }
}

/** The view's rows after applying changes to a table of rows. */
function write(table: Map<string, Row>, changes: GroupChanges): Map<string, Row> {
  for (const id of changes.deleteIds) table.delete(id)
  for (const row of changes.upserts) table.set(row.$id as string, row)
  return table
}

function withoutState(rows: Iterable<Row>): Row[] {
  return [...rows].map(({ _state, ...rest }) => rest).sort((a, b) => String(a.$id).localeCompare(String(b.$id)))
}

describe('GroupMaintainer: DailySales ($count, exact decimal $sum, $avg by day and status)', () => {
  const plan = testPlan('DailySales')

  it('folds inserts into group rows with their states', () => {
    const groups = new GroupMaintainer(plan)
    const changes = groups.apply({ inserts: [order('o1', 0, 'paid', 10.1), order('o2', 30, 'paid', 0.2), order('o3', 60, 'pending', 5)], deletes: [] }, NO_RELATED)
    expect(changes.deleteIds).toEqual([])
    expect(changes.recompute).toEqual([])
    expect(withoutState(changes.upserts)).toEqual([
      { $id: '["2024-01-15","paid"]', date: '2024-01-15', status: 'paid', orderCount: 2, revenue: 10.3, avgOrder: 5.15 },
      { $id: '["2024-01-15","pending"]', date: '2024-01-15', status: 'pending', orderCount: 1, revenue: 5, avgOrder: 5 },
    ])
    expect(changes.upserts[0]?._state).toMatchObject({ rows: 2, states: { orderCount: { rows: 2, n: 2 } } })
  })

  it('moves a row between groups on update and deletes groups left empty', () => {
    const groups = new GroupMaintainer(plan)
    const o1 = order('o1', 0, 'paid', 10)
    const o2 = order('o2', day, 'pending', 4)
    groups.apply({ inserts: [o1, o2], deletes: [] }, NO_RELATED)
    const refunded = { ...o1, status: 'refunded', updatedAt: new Date() }
    const moved = groups.apply({ inserts: [refunded], deletes: [o1] }, NO_RELATED)
    expect(moved.deleteIds).toEqual(['["2024-01-15","paid"]'])
    expect(withoutState(moved.upserts)).toEqual([{ $id: '["2024-01-15","refunded"]', date: '2024-01-15', status: 'refunded', orderCount: 1, revenue: 10, avgOrder: 10 }])
    expect(groups.apply({ inserts: [], deletes: [o2] }, NO_RELATED)).toEqual({ upserts: [], deleteIds: ['["2024-01-16","pending"]'], recompute: [] })
  })

  it('touches only groups that actually change', () => {
    const groups = new GroupMaintainer(plan)
    const o1 = order('o1', 0, 'paid', 10)
    groups.apply({ inserts: [o1, order('o2', day, 'paid', 3)], deletes: [] }, NO_RELATED)
    // A new customer is nothing the view reads; an image inserted and deleted in one batch is nothing at all.
    const passing = order('o9', 2 * day, 'paid', 1)
    expect(groups.apply({ inserts: [{ ...o1, customer: 'c2' }, passing], deletes: [o1, passing] }, NO_RELATED)).toEqual({ upserts: [], deleteIds: [], recompute: [] })
    expect(groups.groupsOf({ inserts: [{ ...o1, customer: 'c2' }], deletes: [o1] }, NO_RELATED)).toEqual(['["2024-01-15","paid"]'])
  })

  it('continues from states loaded from the _state column, as after a restart', () => {
    const first = new GroupMaintainer(plan)
    const rows = [order('o1', 0, 'paid', 0.1), order('o2', 1, 'paid', 0.2), order('o3', 2, 'paid', 0.3)]
    const table = write(new Map(), first.apply({ inserts: rows, deletes: [] }, NO_RELATED))
    const second = new GroupMaintainer(plan)
    const change = { inserts: [order('o4', 3, 'paid', 0.4)], deletes: [rows[0] as Row] }
    for (const id of second.groupsOf(change, NO_RELATED)) {
      const stored = table.get(id)
      if (stored !== undefined) second.load(id, JSON.stringify(stored._state))
    }
    expect(second.has('["2024-01-15","paid"]')).toBe(true)
    expect(second.keyOf('["2024-01-15","paid"]')).toBeUndefined()
    write(table, second.apply(change, NO_RELATED))
    expect(withoutState(table.values())).toEqual(withoutState(fullRefreshRows(plan, [rows[1] as Row, rows[2] as Row, ...change.inserts], NO_RELATED)))
    expect(table.get('["2024-01-15","paid"]')).toMatchObject({ revenue: 0.9, orderCount: 3 })
  })

  it('rejects unreadable states as CORRUPT', () => {
    const groups = new GroupMaintainer(plan)
    expect(() => groups.load('g', '{not json')).toThrow(expect.objectContaining({ code: 'CORRUPT' }))
    expect(() => groups.load('g', { rows: 1, states: {} })).toThrow(/no state for \$compute.orderCount/)
    const caught = (() => {
      try {
        groups.load('g', { rows: 'x', states: {} })
      } catch (error) {
        return error
      }
      return undefined
    })()
    expect(ParqueDBError.isInstance(caught, 'CORRUPT')).toBe(true)
  })

  it('refuses views that do not group', () => {
    expect(() => new GroupMaintainer(testPlan('WorkerLogs'))).toThrow(/applyRowChanges/)
  })
})

describe('GroupMaintainer: DailyAIUsage ($count, $sum, $avg, $percentile, $cond)', () => {
  const plan = testPlan('DailyAIUsage')
  const request = (id: string, fields: Partial<Record<'modelId' | 'tokens' | 'latencyMs' | 'cached' | 'error', unknown>>, minute = 0): Row =>
    entity(id, { modelId: 'gpt', providerId: 'openai', requestType: 'generate', tokens: 10, latencyMs: 100, cached: false, error: null, timestamp: new Date(Date.UTC(2024, 0, 15, 12, minute)), ...fields }, minute)

  const source = [
    request('a1', { tokens: 100, latencyMs: 120, cached: true }),
    request('a2', { tokens: null, latencyMs: 300, error: { message: 'rate limited' } }, 1),
    request('a3', { tokens: 50, latencyMs: 80 }, 2),
    request('a4', { modelId: 'claude', tokens: 7, latencyMs: 50 }, 3),
  ]

  it('computes each aggregate per model, provider and day', () => {
    const groups = new GroupMaintainer(plan)
    const rows = byId(groups.apply({ inserts: source, deletes: [] }, NO_RELATED).upserts)
    const gpt = rows.get('["gpt","openai","2024-01-15"]')
    expect(gpt).toMatchObject({ modelId: 'gpt', providerId: 'openai', date: '2024-01-15', requestCount: 3, totalTokens: 150, avgLatency: 500 / 3, cacheHitRate: 1 / 3, errorCount: 1 })
    // DDSketch: within 1% of quantile_cont([80, 120, 300], 0.95) = 282.
    expect(Math.abs((gpt?.p95Latency as number) - 282)).toBeLessThan(2.82)
    expect(rows.get('["claude","openai","2024-01-15"]')).toMatchObject({ requestCount: 1, totalTokens: 7, p95Latency: 50, errorCount: 0 })
  })

  it('asks to recompute a group whose percentile lost a value, and recomputeGroup matches a full refresh', () => {
    const groups = new GroupMaintainer(plan)
    const table = write(new Map(), groups.apply({ inserts: source, deletes: [] }, NO_RELATED))
    const faster = { ...(source[1] as Row), latencyMs: 90, updatedAt: new Date() }
    const changes = groups.apply({ inserts: [faster], deletes: [source[1] as Row] }, NO_RELATED)
    expect(changes).toEqual({ upserts: [], deleteIds: [], recompute: ['["gpt","openai","2024-01-15"]'] })
    const now = [source[0] as Row, faster, source[2] as Row, source[3] as Row]
    write(table, settle(groups, changes, now))
    expect(withoutState(table.values())).toEqual(withoutState(fullRefreshRows(plan, now, NO_RELATED)))
  })

  it('a row swapped for a twin the aggregates cannot tell apart writes nothing and recomputes nothing', () => {
    const groups = new GroupMaintainer(plan)
    groups.apply({ inserts: source, deletes: [] }, NO_RELATED)
    // Another request with the same inputs takes a1's place: even the percentile is unchanged.
    const twin = { ...(source[0] as Row), $id: 'a9', createdAt: new Date(0) }
    expect(groups.apply({ inserts: [twin], deletes: [source[0] as Row] }, NO_RELATED)).toEqual({ upserts: [], deleteIds: [], recompute: [] })
  })

  it('a recompute that finds the group as the table holds it writes nothing', () => {
    const groups = new GroupMaintainer(plan)
    groups.apply({ inserts: source, deletes: [] }, NO_RELATED)
    const id = '["gpt","openai","2024-01-15"]'
    expect(settle(groups, { upserts: [], deleteIds: [], recompute: [id] }, source)).toEqual({ upserts: [], deleteIds: [], recompute: [] })
  })

  it('a group that runs out of rows is deleted, even with a percentile', () => {
    const groups = new GroupMaintainer(plan)
    groups.apply({ inserts: source, deletes: [] }, NO_RELATED)
    expect(groups.apply({ inserts: [], deletes: [source[3] as Row] }, NO_RELATED)).toEqual({ upserts: [], deleteIds: ['["claude","openai","2024-01-15"]'], recompute: [] })
  })
})

describe('GroupMaintainer: extremes ($min/$max/$first/$last)', () => {
  it('EvalTrends by week: retracting a non-extreme is exact, retracting the minimum asks for a recompute', () => {
    const plan = testPlan('EvalTrends')
    const score = (id: string, value: number, dayOffset: number): Row =>
      entity(id, { runId: 1, suiteName: 'qa', scorerName: 'exact', score: value, timestamp: new Date(Date.UTC(2024, 0, 15 + dayOffset, 9)) }, dayOffset * day)
    const scores = [score('s1', 0.5, 0), score('s2', 0.25, 2), score('s3', 0.75, 4), score('s4', 1, 7)]
    const groups = new GroupMaintainer(plan)
    const table = write(new Map(), groups.apply({ inserts: scores, deletes: [] }, NO_RELATED))
    expect(withoutState(table.values())).toEqual([
      { $id: '["qa","exact",2024-01-15T00:00:00.000Z]', suiteName: 'qa', scorerName: 'exact', week: new Date('2024-01-15T00:00:00Z'), avgScore: 0.5, minScore: 0.25, maxScore: 0.75, runCount: 3 },
      { $id: '["qa","exact",2024-01-22T00:00:00.000Z]', suiteName: 'qa', scorerName: 'exact', week: new Date('2024-01-22T00:00:00Z'), avgScore: 1, minScore: 1, maxScore: 1, runCount: 1 },
    ])
    const exact = groups.apply({ inserts: [], deletes: [scores[0] as Row] }, NO_RELATED)
    expect(exact.recompute).toEqual([])
    expect(exact.upserts).toMatchObject([{ avgScore: 0.5, minScore: 0.25, maxScore: 0.75, runCount: 2 }])
    const lost = groups.apply({ inserts: [], deletes: [scores[1] as Row] }, NO_RELATED)
    expect(lost).toEqual({ upserts: [], deleteIds: [], recompute: ['["qa","exact",2024-01-15T00:00:00.000Z]'] })
    const now = [scores[2] as Row, scores[3] as Row]
    write(table, settle(groups, lost, now))
    expect(table.get('["qa","exact",2024-01-15T00:00:00.000Z]')).toMatchObject({ minScore: 0.75, maxScore: 0.75, runCount: 1 })
  })

  it('ModelLatency: the maximum leaving asks for a recompute; a recompute with no rows left deletes', () => {
    const plan: ViewPlan = testPlan('ModelLatency')
    const request = (id: string, latencyMs: number, tokens: number | null, minute: number): Row =>
      entity(id, { modelId: 'gpt', providerId: 'openai', requestType: 'chat', tokens, latencyMs, cached: false, error: null, timestamp: new Date(Date.UTC(2024, 0, 15, 10, minute)) }, minute)
    const rows = [request('a', 30, 5, 0), request('b', 90, null, 10), request('c', 60, 7, 20)]
    const groups = new GroupMaintainer(plan)
    const [inserted] = groups.apply({ inserts: rows, deletes: [] }, NO_RELATED).upserts
    expect(inserted).toMatchObject({ requests: 3, minLatency: 30, maxLatency: 90, sdLatency: 30, varTokens: 2, firstTokens: 5, lastTokens: 7 })
    const id = inserted?.$id as string
    const changes = groups.apply({ inserts: [], deletes: [rows[1] as Row] }, NO_RELATED)
    expect(changes.recompute).toEqual([id])
    expect(groups.recomputeGroup(id, [rows[0] as Row, rows[2] as Row]).upserts).toMatchObject([{ requests: 2, minLatency: 30, maxLatency: 60, lastTokens: 7 }])
    groups.apply({ inserts: [], deletes: [rows[2] as Row] }, NO_RELATED)
    expect(groups.apply({ inserts: [], deletes: [rows[0] as Row] }, NO_RELATED).deleteIds).toEqual([id])
    // Rows of other groups handed to recomputeGroup are skipped.
    expect(groups.recomputeGroup(id, [{ ...(rows[0] as Row), modelId: 'other' }])).toEqual({ upserts: [], deleteIds: [], recompute: [] })
  })

  it('LogLevels: updating a message of an unnested element replaces it without a recompute', () => {
    const plan = testPlan('LogLevels')
    const event = entity('e1', { scriptName: 'api', logs: [{ level: 'info', message: 'a', timestamp: 1 }, { level: 'info', message: 'b', timestamp: 2 }] })
    const groups = new GroupMaintainer(plan)
    expect(groups.apply({ inserts: [event], deletes: [] }, NO_RELATED).upserts).toMatchObject([{ $id: '["api","info"]', lines: 2, firstMessage: 'a', lastMessage: 'b', maxAt: 2 }])
    const edited = { ...event, logs: [{ level: 'info', message: 'a', timestamp: 1 }, { level: 'info', message: 'B', timestamp: 2 }] }
    const changes = groups.apply({ inserts: [edited], deletes: [event] }, NO_RELATED)
    expect(changes.recompute).toEqual([])
    expect(changes.upserts).toMatchObject([{ lines: 2, firstMessage: 'a', lastMessage: 'B', maxAt: 2 }])
    // The first element too: its old value leaves before the new one (same order key) arrives.
    const first = { ...edited, logs: [{ level: 'info', message: 'A', timestamp: 1 }, { level: 'info', message: 'B', timestamp: 2 }] }
    const again = groups.apply({ inserts: [first], deletes: [edited] }, NO_RELATED)
    expect(again.recompute).toEqual([])
    expect(again.upserts).toMatchObject([{ lines: 2, firstMessage: 'A', lastMessage: 'B' }])
  })
})
