import { describe, expect, it } from 'vitest'
import { ParqueDBError } from '../../errors.ts'
import { compileAggregate } from './compile-aggregate.ts'
import type { AggregateOptions } from './types.ts'

const label = 'view "DailySales": $compute.revenue'

function failure(spec: unknown, options: Partial<AggregateOptions> = {}): ParqueDBError {
  try {
    compileAggregate(spec, { label, ...options })
  } catch (error) {
    if (ParqueDBError.isInstance(error, 'SCHEMA')) return error
    throw error
  }
  throw new Error('expected a SCHEMA error')
}

const message = (spec: unknown, options?: Partial<AggregateOptions>) => failure(spec, options).message

describe('compileAggregate', () => {
  it('compiles every operator of the API contract, with the fields each reads', () => {
    const compute: Record<string, unknown> = {
      requestCount: { $count: '*' },
      totalTokens: { $sum: 'tokens' },
      avgLatency: { $avg: 'latencyMs' },
      p95Latency: { $percentile: ['latencyMs', 0.95] },
      cacheHitRate: { $avg: { $cond: ['$cached', 1, 0] } },
      errorCount: { $sum: { $cond: [{ $exists: '$error' }, 1, 0] } },
      errorRate: { $avg: { $cond: [{ $ne: ['$outcome', 'ok'] }, 1, 0] } },
      totalItems: { $count: 'items' },
      orderValue: { $sum: 'items.price' },
      firstSeen: { $first: 'timestamp' },
      lastStatus: { $last: 'status' },
      sd: { $stddev: 'latencyMs' },
      v: { $variance: 'latencyMs' },
      lo: { $min: 'score' },
      hi: { $max: 'score' },
      byId: { $count: '$id' },
    }
    const compiled = Object.fromEntries(Object.entries(compute).map(([name, spec]) => [name, compileAggregate(spec, { label: `view "DailyAIUsage": $compute.${name}` })]))
    expect(Object.fromEntries(Object.entries(compiled).map(([name, agg]) => [name, [agg.op, agg.fields]]))).toEqual({
      requestCount: ['$count', []],
      totalTokens: ['$sum', ['tokens']],
      avgLatency: ['$avg', ['latencyMs']],
      p95Latency: ['$percentile', ['latencyMs']],
      cacheHitRate: ['$avg', ['cached']],
      errorCount: ['$sum', ['error']],
      errorRate: ['$avg', ['outcome']],
      totalItems: ['$count', ['items']],
      orderValue: ['$sum', ['items']],
      firstSeen: ['$first', ['timestamp']],
      lastStatus: ['$last', ['status']],
      sd: ['$stddev', ['latencyMs']],
      v: ['$variance', ['latencyMs']],
      lo: ['$min', ['score']],
      hi: ['$max', ['score']],
      byId: ['$count', ['$id']],
    })
    expect(compiled.byId?.value({ $id: 'a' })).toBe('a')
  })

  it('names the label and the unknown operator', () => {
    expect(message({ $summ: 'x' })).toBe('[parquedb] view "DailySales": $compute.revenue: unknown operator $summ')
    expect(failure({ $summ: 'x' }).details).toEqual({ label, operator: '$summ' })
    expect(message({ sum: 'x' })).toMatch(/expected an aggregate operator such as \$sum, got key "sum"$/)
  })

  it('explains an expression operator used as an aggregate', () => {
    expect(message({ $cond: ['$a', 1, 0] })).toMatch(/\$cond is a per-row expression, not an aggregate: wrap it, as in \{ \$sum: \{ \$cond: \.\.\. \} \}$/)
  })

  it('rejects two operators, no operator and non-objects', () => {
    expect(message({ $sum: 'x', $avg: 'x' })).toMatch(/an aggregate holds exactly one operator, got \$sum and \$avg$/)
    expect(message({})).toMatch(/an empty object is not an aggregate/)
    expect(message('x')).toMatch(/expected an aggregate such as \{ \$sum: 'field' \}, got "x"$/)
    expect(message(null)).toMatch(/got null$/)
    expect(message([{ $sum: 'x' }])).toMatch(/got array\(1\)$/)
  })

  it("allows '*' for $count only", () => {
    expect(message({ $sum: '*' })).toMatch(/'\*' only counts rows: write \{ \$count: '\*' \}; \$sum needs a field or an expression$/)
    expect(message({ $percentile: ['*', 0.5] })).toMatch(/'\*' only counts rows/)
    expect(failure({ $min: '*' }).details.operator).toBe('$min')
  })

  it("rejects a '$' on a field path, except the system field $id", () => {
    expect(message({ $sum: '$tokens' })).toMatch(/\$sum takes a field path without '\$' \("tokens", not "\$tokens"\); expressions go in an object$/)
    expect(() => compileAggregate({ $max: '$id' }, { label })).not.toThrow()
  })

  it('rejects malformed paths and arguments', () => {
    expect(message({ $sum: 'a..b' })).toMatch(/\$sum: invalid field path "a\.\.b"$/)
    expect(message({ $sum: '' })).toMatch(/invalid field path ""$/)
    expect(message({ $sum: 1 })).toMatch(/\$sum expects a field path such as 'tokens' or an expression object, got 1; to count rows write \{ \$count: '\*' \}$/)
    expect(message({ $avg: ['x'] })).toMatch(/\$avg expects a field path .* got array\(1\)$/)
    expect(message({ $max: null })).toMatch(/got null$/)
  })

  it('reports expression errors inside the aggregate with their place', () => {
    expect(message({ $sum: { $cond: ['$a', 1] } })).toBe('[parquedb] view "DailySales": $compute.revenue: $cond needs exactly 3 operands, got 2 (at $sum)')
    expect(message({ $avg: { $cond: [{ $eqq: [1, 2] }, 1, 0] } })).toBe('[parquedb] view "DailySales": $compute.revenue: unknown operator $eqq (at $avg.$cond[0])')
  })

  it('checks $percentile arguments', () => {
    expect(message({ $percentile: 'latencyMs' })).toMatch(/\$percentile expects \[input, q\] such as \['latencyMs', 0\.95\], got "latencyMs"$/)
    expect(message({ $percentile: ['latencyMs'] })).toMatch(/\$percentile expects \[input, q\]/)
    expect(message({ $percentile: ['latencyMs', 1.5] })).toMatch(/q must be a number from 0 to 1, got 1\.5$/)
    expect(message({ $percentile: ['latencyMs', 95] })).toMatch(/got 95 \(for the 95th percentile write 0\.95\)$/)
    expect(message({ $percentile: ['latencyMs', -0.1] })).toMatch(/got -0\.1$/)
    expect(message({ $percentile: ['latencyMs', Number.NaN] })).toMatch(/got NaN$/)
    expect(message({ $percentile: ['latencyMs', '0.5'] })).toMatch(/got "0\.5"$/)
    expect(message({ $percentile: [5, 0.5] })).toMatch(/\$percentile expects a field path/)
    expect(() => compileAggregate({ $percentile: [{ $multiply: ['$ms', 2] }, 0] }, { label })).not.toThrow()
  })

  it('checks decimalScale', () => {
    expect(message({ $sum: 'x' }, { decimalScale: -1 })).toMatch(/decimalScale must be an integer from 0 to 38, got -1$/)
    expect(message({ $sum: 'x' }, { decimalScale: 1.5 })).toMatch(/decimalScale/)
  })
})
