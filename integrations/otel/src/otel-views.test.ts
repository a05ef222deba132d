import { SpanStatusCode, type HrTime } from '@opentelemetry/api'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { DB } from 'parquedb'
import { afterEach, describe, expect, it } from 'vitest'
import { otel } from './otel-plugin.ts'
import { ParqueDBSpanExporter } from './parquedb-span-exporter.ts'

const HOUR_MS = 3_600_000
const DAY = Date.UTC(2024, 4, 1)
const at = (ms: number): HrTime => [Math.floor(ms / 1000), (ms % 1000) * 1e6]

const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close()
})

/** Exact quantile with linear interpolation (DuckDB's quantile_cont), the sketch's target. */
function quantile(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q
  const low = Math.floor(position)
  const high = Math.ceil(position)
  return (sorted[low] as number) + ((sorted[high] as number) - (sorted[low] as number)) * (position - low)
}

describe('the span views, checked against the raw spans', () => {
  it('SpanLatency and SpanErrorRate give per service, span name and hour what the Spans rows say', async () => {
    const db = DB({}, { storage: { type: 'memory' }, plugins: [otel()] })
    closers.push(() => db.close())
    const providers = ['api', 'worker'].map((service) => new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': service }), spanProcessors: [new SimpleSpanProcessor(new ParqueDBSpanExporter(db))] }))
    // A deterministic spread: three hours, two names per service, durations 1..~400 ms, every 7th span failing.
    let seed = 1
    for (let index = 0; index < 600; index++) {
      seed = (seed * 48271) % 2147483647
      const provider = providers[index % 2] as BasicTracerProvider
      const name = index % 3 === 0 ? 'GET /items' : 'POST /orders'
      const start = DAY + (index % 3) * HOUR_MS + (seed % 3_000_000)
      const span = provider.getTracer('views').startSpan(name, { startTime: at(start) })
      if (index % 7 === 0) span.setStatus({ code: SpanStatusCode.ERROR, message: 'failed' })
      span.end(at(start + 1 + (seed % 400)))
    }
    for (const provider of providers) await provider.forceFlush()

    const spans = await db.Spans.find({}, { project: ['serviceName', 'name', 'startTime', 'durationMs', 'statusCode'] })
    expect(spans).toHaveLength(600)
    const groups = new Map<string, { durations: number[]; errors: number }>()
    for (const span of spans) {
      const hour = new Date(Math.floor((span.startTime as Date).getTime() / HOUR_MS) * HOUR_MS).toISOString()
      const key = `${span.serviceName}|${span.name}|${hour}`
      const group = groups.get(key) ?? { durations: [], errors: 0 }
      group.durations.push(span.durationMs as number)
      if (span.statusCode === 'error') group.errors++
      groups.set(key, group)
    }

    const latency = await db.SpanLatency.find()
    const errorRate = await db.SpanErrorRate.find()
    expect(latency).toHaveLength(groups.size)
    expect(errorRate).toHaveLength(groups.size)
    for (const row of latency) {
      const group = groups.get(`${row.serviceName}|${row.name}|${(row.hour as Date).toISOString()}`)
      expect(group, `group ${row.serviceName} ${row.name} ${String(row.hour)}`).toBeDefined()
      const sorted = [...(group?.durations ?? [])].sort((a, b) => a - b)
      expect(row.spanCount).toBe(sorted.length)
      expect(row.avgDurationMs).toBeCloseTo(sorted.reduce((sum, ms) => sum + ms, 0) / sorted.length, 9)
      expect(row.maxDurationMs).toBe(sorted.at(-1))
      // The percentiles come from a sketch with 1% relative accuracy (plus interpolation between neighbours).
      for (const [field, q] of [['p50DurationMs', 0.5], ['p95DurationMs', 0.95], ['p99DurationMs', 0.99]] as const) {
        expect(Math.abs((row[field] as number) - quantile(sorted, q)) / quantile(sorted, q), `${field} of ${row.name}`).toBeLessThan(0.03)
      }
    }
    for (const row of errorRate) {
      const group = groups.get(`${row.serviceName}|${row.name}|${(row.hour as Date).toISOString()}`)
      expect(row.spanCount).toBe(group?.durations.length)
      expect(row.errorCount).toBe(group?.errors)
      expect(row.errorRate).toBeCloseTo((group?.errors ?? 0) / (group?.durations.length ?? 1), 12)
    }
    expect(await db.ErrorSpans.count()).toBe(spans.filter((span) => span.statusCode === 'error').length)

    // Incremental upkeep and a full recompute agree.
    await db.SpanLatency.refresh({ full: true })
    const recomputed = await db.SpanLatency.find()
    const byKey = (rows: readonly Record<string, unknown>[]) => Object.fromEntries(rows.map((row) => [`${row.serviceName}|${row.name}|${(row.hour as Date).toISOString()}`, [row.spanCount, row.avgDurationMs, row.maxDurationMs]]))
    expect(byKey(recomputed)).toEqual(byKey(latency))
  })
})
