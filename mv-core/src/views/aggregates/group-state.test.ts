import { describe, expect, it } from 'vitest'
import { ParqueDBError } from '../../errors.ts'
import type { Row } from '../../schema/types.ts'
import { compileGroupAggregates } from './group-state.ts'

const compute = {
  requestCount: { $count: '*' },
  totalTokens: { $sum: 'tokens' },
  avgLatency: { $avg: 'latencyMs' },
  p95Latency: { $percentile: ['latencyMs', 0.95] },
  cacheHitRate: { $avg: { $cond: ['$cached', 1, 0] } },
  errorCount: { $sum: { $cond: [{ $exists: '$error' }, 1, 0] } },
  errorRate: { $avg: { $cond: [{ $ne: ['$outcome', 'ok'] }, 1, 0] } },
  firstSeen: { $first: 'timestamp' },
  lastStatus: { $last: 'status' },
  cost: { $sum: 'cost' },
}

const rows: Row[] = [
  { $id: 'a', timestamp: new Date(1000), tokens: 10, latencyMs: 100, cached: true, outcome: 'ok', status: 200, cost: 0.1 },
  { $id: 'b', timestamp: new Date(2000), tokens: 20, latencyMs: 300, cached: false, outcome: 'exception', error: { message: 'x' }, status: 500, cost: 0.2 },
  { $id: 'c', timestamp: new Date(3000), tokens: null, latencyMs: 200, outcome: 'ok', status: 201, cost: 0.3 },
]

const orderOf = (row: Row) => [row.timestamp, row.$id]

describe('compileGroupAggregates', () => {
  const group = compileGroupAggregates(compute, { label: 'view "DailyAIUsage"', decimalScales: { cost: 2 } })

  it('drives every $compute entry over a group', () => {
    let state = group.init()
    for (const row of rows) state = group.add(state, row, 1, orderOf(row))
    const result = group.result(state)
    expect(result).toMatchObject({
      requestCount: 3,
      totalTokens: 30,
      avgLatency: 200,
      cacheHitRate: 1 / 3,
      errorCount: 1,
      errorRate: 1 / 3,
      firstSeen: new Date(1000),
      lastStatus: 201,
      cost: 0.6,
    })
    expect(Math.abs((result.p95Latency as number) - 290) / 290).toBeLessThanOrEqual(0.01)
    expect(group.names).toEqual(Object.keys(compute))
    expect(group.fields).toEqual(['tokens', 'latencyMs', 'cached', 'error', 'outcome', 'timestamp', 'status', 'cost'])
  })

  it('retracts rows: exact unless an entry cannot follow, empty when no rows remain', () => {
    let state = group.init()
    for (const row of rows) state = group.add(state, row, 1, orderOf(row))
    const last = rows[2] as Row
    state = group.add(state, last, -1, orderOf(last))
    expect(group.exact(state)).toBe(false) // the percentile and $last cannot follow
    expect(group.result(state)).toMatchObject({ requestCount: 2, totalTokens: 30, avgLatency: 200, cost: 0.3 })
    for (const row of rows.slice(0, 2)) state = group.add(state, row, -1, orderOf(row))
    expect(group.isEmpty(state)).toBe(true)
    expect(group.exact(state)).toBe(true)
  })

  it('merges and round-trips through JSON', () => {
    let a = group.init()
    let b = group.init()
    a = group.add(a, rows[0] as Row, 1, orderOf(rows[0] as Row))
    for (const row of rows.slice(1)) b = group.add(b, row, 1, orderOf(row))
    const merged = group.merge(a, b)
    const back = group.fromJSON(JSON.parse(JSON.stringify(group.toJSON(merged))) as unknown)
    expect(group.result(back)).toEqual(group.result(merged))
    expect(back.rows).toBe(3)
  })

  it('keeps output names that look like Object.prototype keys as plain properties', () => {
    const odd = compileGroupAggregates({ ['__proto__']: { $count: '*' }, constructor: { $sum: 'x' } }, { label: 'view "Odd"' })
    const result = odd.result(odd.add(odd.init(), { x: 2 }, 1))
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype)
    expect(Object.getOwnPropertyDescriptor(result, '__proto__')?.value).toBe(1)
    expect(result.constructor).toBe(2)
  })

  it('labels entry errors with the view and the entry', () => {
    expect(() => compileGroupAggregates({ revenue: { $summ: 'x' } }, { label: 'view "DailySales"' })).toThrow(
      '[parquedb] view "DailySales": $compute.revenue: unknown operator $summ',
    )
    expect(() => compileGroupAggregates([], { label: 'view "V"' })).toThrow(/\$compute must be an object/)
  })

  it('rejects a malformed stored group', () => {
    for (const json of [null, { rows: 1 }, { rows: 'x', states: {} }, { rows: 1, states: {} }]) {
      try {
        group.fromJSON(json)
        throw new Error('expected CORRUPT')
      } catch (error) {
        expect(ParqueDBError.isInstance(error, 'CORRUPT')).toBe(true)
      }
    }
  })
})
