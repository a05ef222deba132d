import { describe, expect, it } from 'vitest'
import { createRandom, weightedPicker } from './random.ts'
import {
  generateTailEvents,
  tailEventBatches,
  tailEventTimestamp,
  tailEventsDefinition,
  type TailEventRow,
  type TailFetchEvent,
} from './tail-events.ts'

const SAMPLE = 20_000
const rows = generateTailEvents({ count: SAMPLE, seed: 11 })

function share(predicate: (row: TailEventRow) => boolean): number {
  return rows.filter(predicate).length / rows.length
}

function isFetch(event: TailEventRow['event']): event is TailFetchEvent {
  return typeof event === 'object' && event !== null && 'request' in event
}

/** Checks a value against one field string of the definition ('string!', 'variant[]', ...). */
function matchesField(value: unknown, field: string): boolean {
  const match = /^(\w+)(\[\])?([!?])?$/.exec(field)
  if (!match) throw new Error(`unexpected field string ${field}`)
  const [, kind, array, suffix] = match
  if (array) return Array.isArray(value) && value.every((item) => matchesScalar(item, kind as string))
  if (value === null || value === undefined) return suffix !== '!'
  return matchesScalar(value, kind as string)
}

function matchesScalar(value: unknown, kind: string): boolean {
  switch (kind) {
    case 'string':
      return typeof value === 'string'
    case 'int':
      return Number.isInteger(value) && (value as number) >= -(2 ** 31) && (value as number) < 2 ** 31
    case 'boolean':
      return typeof value === 'boolean'
    case 'timestamp':
      return value instanceof Date && !Number.isNaN(value.getTime())
    case 'variant':
      // Any JSON value: it must survive a JSON round trip unchanged.
      return JSON.stringify(JSON.parse(JSON.stringify(value))) === JSON.stringify(value)
    default:
      throw new Error(`no check for kind ${kind}`)
  }
}

describe('createRandom', () => {
  it('repeats a sequence for the same seed and differs across seeds', () => {
    const draw = (seed: number) => Array.from({ length: 8 }, createRandom(seed).next)
    expect(draw(5)).toEqual(draw(5))
    expect(draw(5)).not.toEqual(draw(6))
  })

  it('keeps int() within bounds and reaches both ends', () => {
    const random = createRandom(1)
    const seen = new Set<number>()
    for (let index = 0; index < 2000; index++) seen.add(random.int(3, 7))
    expect([...seen].sort()).toEqual([3, 4, 5, 6, 7])
  })

  it('follows weights in weightedPicker', () => {
    const random = createRandom(2)
    const pick = weightedPicker([['a', 9], ['b', 1], ['never', 0]])
    const draws = Array.from({ length: 10_000 }, () => pick(random))
    const shareOfA = draws.filter((value) => value === 'a').length / draws.length
    expect(shareOfA).toBeGreaterThan(0.87)
    expect(shareOfA).toBeLessThan(0.93)
    expect(draws).not.toContain('never')
  })

  it('gives logNormal the requested median', () => {
    const random = createRandom(3)
    const values = Array.from({ length: 10_001 }, () => random.logNormal(20, 1)).sort((a, b) => a - b)
    expect(values[5000]).toBeGreaterThan(18)
    expect(values[5000]).toBeLessThan(22)
  })
})

describe('generateTailEvents', () => {
  it('is deterministic for a seed', () => {
    expect(generateTailEvents({ count: 500, seed: 11 })).toEqual(rows.slice(0, 500))
    expect(generateTailEvents({ count: 500, seed: 12 })).not.toEqual(rows.slice(0, 500))
  })

  it('batches lazily into the same sequence', () => {
    const batches = tailEventBatches({ total: 2_345, batchSize: 1_000, seed: 11 })
    const sizes: number[] = []
    const joined: TailEventRow[] = []
    for (const batch of batches) {
      sizes.push(batch.length)
      joined.push(...batch)
    }
    expect(sizes).toEqual([1_000, 1_000, 345])
    expect(joined).toEqual(rows.slice(0, 2_345))
  })

  it('produces rows valid for every field of the definition and nothing else', () => {
    const fields = Object.entries(tailEventsDefinition).filter(([name]) => !name.startsWith('$'))
    const expectedKeys = fields.map(([name]) => name).sort().join()
    const invalid: string[] = []
    for (const row of rows) {
      if (Object.keys(row).sort().join() !== expectedKeys) invalid.push(`keys ${Object.keys(row).join()}`)
      for (const [name, field] of fields) {
        const value: unknown = row[name as keyof TailEventRow]
        if (!matchesField(value, field)) invalid.push(`${name}=${JSON.stringify(value)} is not ${field}`)
      }
    }
    expect(invalid).toEqual([])
  })

  it('paces timestamps from the start at eventsPerSecond', () => {
    const start = new Date('2026-03-01T12:00:00Z')
    const paced = generateTailEvents({ count: 1_000, seed: 1, start, eventsPerSecond: 250 })
    expect(paced[0]?.eventTimestamp.toISOString()).toBe('2026-03-01T12:00:00.000Z')
    expect(paced[999]?.eventTimestamp.getTime()).toBe(start.getTime() + 3_996)
    expect(paced.every((row, index) => row.eventTimestamp.getTime() === tailEventTimestamp(index, { start, eventsPerSecond: 250 }))).toBe(true)
    expect(rows[0]?.eventTimestamp.toISOString()).toBe('2026-01-01T00:00:00.000Z')
    expect(rows.every((row, index) => index === 0 || row.eventTimestamp > (rows[index - 1] as TailEventRow).eventTimestamp)).toBe(true)
  })

  it('skews script popularity', () => {
    const counts = new Map<string, number>()
    for (const row of rows) counts.set(row.scriptName, (counts.get(row.scriptName) ?? 0) + 1)
    const sorted = [...counts.values()].sort((a, b) => b - a)
    expect(counts.size).toBeGreaterThanOrEqual(5)
    expect((sorted[0] as number) / SAMPLE).toBeGreaterThan(0.3)
    expect((sorted[sorted.length - 1] as number) / SAMPLE).toBeLessThan(0.05)
  })

  it('makes most outcomes ok and includes every failure kind', () => {
    expect(share((row) => row.outcome === 'ok')).toBeGreaterThan(0.92)
    expect(share((row) => row.outcome === 'ok')).toBeLessThan(0.98)
    for (const outcome of ['exception', 'exceededCpu', 'exceededMemory', 'canceled']) {
      expect(rows.some((row) => row.outcome === outcome)).toBe(true)
    }
  })

  it('attaches exceptions exactly to exception outcomes', () => {
    const wrong = rows.filter(
      (row) =>
        row.exceptions.length !== (row.outcome === 'exception' ? 1 : 0) ||
        row.exceptions.some((exception) => typeof exception.name !== 'string' || typeof exception.message !== 'string' || exception.timestamp < row.eventTimestamp.getTime()),
    )
    expect(wrong).toEqual([])
    expect(rows.some((row) => row.exceptions[0]?.stack !== undefined)).toBe(true)
    expect(rows.some((row) => row.exceptions[0] !== undefined && row.exceptions[0].stack === undefined)).toBe(true)
  })

  it('shapes fetch, scheduled and queue events like TraceItem', () => {
    const fetches = rows.map((row) => row.event).filter(isFetch)
    expect(fetches.length / SAMPLE).toBeGreaterThan(0.8)
    const malformed = fetches.filter(
      ({ request }) =>
        !/^https:\/\/[a-z.]+\//.test(request.url) ||
        !/^(GET|POST|PUT|DELETE|PATCH|OPTIONS)$/.test(request.method) ||
        Object.keys(request.headers).length < 3 ||
        !/^[A-Z]{3}$/.test(request.cf.colo) ||
        !/^[A-Z]{2}$/.test(request.cf.country) ||
        !Number.isInteger(request.cf.asn),
    )
    expect(malformed).toEqual([])
    expect(rows.filter((row) => row.outcome === 'ok' && isFetch(row.event)).every((row) => isFetch(row.event) && row.event.response !== undefined)).toBe(true)
    expect(rows.some((row) => row.event !== null && 'cron' in row.event && typeof row.event.scheduledTime === 'number')).toBe(true)
    expect(rows.some((row) => row.event !== null && 'queue' in row.event && row.event.batchSize >= 1)).toBe(true)
  })

  it('keeps 0-5 ordered logs inside the invocation', () => {
    const levels = new Set<string>()
    const misplaced: TailEventRow[] = []
    for (const row of rows) {
      const start = row.eventTimestamp.getTime()
      let previous = start
      for (const log of row.logs) {
        levels.add(log.level)
        if (!Array.isArray(log.message) || log.timestamp < previous || log.timestamp > start + (row.wallTime ?? 0)) misplaced.push(row)
        previous = log.timestamp
      }
    }
    expect(misplaced).toEqual([])
    expect(Math.max(...rows.map((row) => row.logs.length))).toBe(5)
    expect([...levels].sort()).toEqual(['debug', 'error', 'info', 'log', 'warn'])
    expect(share((row) => row.logs.length === 0)).toBeGreaterThan(0.2)
  })

  it('draws skewed cpu and wall times with wall above cpu', () => {
    const cpu = rows.map((row) => row.cpuTime ?? 0).sort((a, b) => a - b)
    const wall = rows.map((row) => row.wallTime ?? 0).sort((a, b) => a - b)
    expect(rows.every((row) => (row.wallTime ?? 0) > (row.cpuTime ?? 0))).toBe(true)
    const median = (values: number[]) => values[Math.floor(values.length / 2)] as number
    const p99 = (values: number[]) => values[Math.floor(values.length * 0.99)] as number
    // Right-skewed: the tail is far above the median.
    expect(p99(wall)).toBeGreaterThan(4 * median(wall))
    expect(p99(cpu)).toBeGreaterThan(4 * Math.max(1, median(cpu)))
    expect(rows.filter((row) => row.outcome === 'exceededCpu').every((row) => (row.cpuTime ?? 0) >= 50)).toBe(true)
  })

  it('rejects invalid sizes', () => {
    expect(() => generateTailEvents({ count: -1, seed: 1 })).toThrow(RangeError)
    expect(() => tailEventBatches({ total: 10, batchSize: 0, seed: 1 }).next()).toThrow(RangeError)
  })
})
