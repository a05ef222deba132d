import { describe, expect, it } from 'vitest'
import { compileGroupAggregates } from './group-state.ts'

// The view engine runs inside Workers: expressions, exact sums and the DDSketch must load there.
describe('aggregates (workerd)', () => {
  it('compute, merge and reload a group', () => {
    const group = compileGroupAggregates(
      {
        requests: { $count: '*' },
        tokens: { $sum: 'tokens' },
        errorRate: { $avg: { $cond: [{ $ne: ['$outcome', 'ok'] }, 1, 0] } },
        p95: { $percentile: ['latencyMs', 0.95] },
        sd: { $stddev: 'latencyMs' },
        lastStatus: { $last: 'status' },
      },
      { label: 'view "Workerd"' },
    )
    let a = group.init()
    let b = group.init()
    for (let index = 1; index <= 100; index++) {
      const row = { tokens: index, outcome: index % 10 === 0 ? 'exception' : 'ok', latencyMs: index, status: index }
      if (index % 2 === 0) a = group.add(a, row, 1, [index])
      else b = group.add(b, row, 1, [index])
    }
    const merged = group.fromJSON(JSON.parse(JSON.stringify(group.toJSON(group.merge(a, b)))) as unknown)
    const result = group.result(merged)
    expect(result).toMatchObject({ requests: 100, tokens: 5050, errorRate: 0.1, lastStatus: 100 })
    expect(Math.abs((result.p95 as number) - 95.05) / 95.05).toBeLessThanOrEqual(0.01)
    expect(result.sd).toBeCloseTo(29.011, 3)
  })
})
