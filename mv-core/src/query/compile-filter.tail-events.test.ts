import { describe, expect, it } from 'vitest'
import type { Row } from '../schema/types.ts'
import { generateTailEvents, tailEventTimestamp, type TailEventRow } from '../testing/tail-events.ts'
import { compileFilter } from './compile-filter.ts'
import { tailSchema } from './test-fixtures.ts'
import type { Filter } from './types.ts'

const events = generateTailEvents({ count: 3000, seed: 11 })

/** Filters on realistic tail events against the same question asked in plain code. */
const cases: readonly [string, Filter, (row: TailEventRow) => boolean][] = [
  ['failed and slow', { outcome: { $ne: 'ok' }, wallTime: { $gt: 50 } }, (r) => r.outcome !== 'ok' && r.wallTime !== null && r.wallTime > 50],
  ['any error log', { 'logs.level': 'error' }, (r) => r.logs.some((log) => log.level === 'error')],
  ['no error log', { 'logs.level': { $ne: 'error' } }, (r) => !r.logs.some((log) => log.level === 'error')],
  ['POST requests', { 'event.request.method': 'POST' }, (r) => r.event !== null && 'request' in r.event && r.event.request.method === 'POST'],
  ['server errors', { 'event.response.status': { $gte: 500 } }, (r) => r.event !== null && 'request' in r.event && (r.event.response?.status ?? 0) >= 500],
  ['first exception is a TypeError', { 'exceptions.0.name': 'TypeError' }, (r) => r.exceptions[0]?.name === 'TypeError'],
  ['has exceptions', { 'exceptions.0': { $exists: true } }, (r) => r.exceptions.length > 0],
  ['scheduled', { 'event.cron': { $exists: true } }, (r) => r.event !== null && 'cron' in r.event],
  [
    'time window',
    { eventTimestamp: { $gte: new Date(tailEventTimestamp(1000)).toISOString(), $lt: tailEventTimestamp(2000) } },
    (r) => r.eventTimestamp.getTime() >= tailEventTimestamp(1000) && r.eventTimestamp.getTime() < tailEventTimestamp(2000),
  ],
  [
    'colo or outcome',
    { $or: [{ 'event.request.cf.colo': { $in: ['SJC', 'LHR'] } }, { outcome: { $in: ['exceededCpu', 'exceededMemory'] } }] },
    (r) => (r.event !== null && 'request' in r.event && ['SJC', 'LHR'].includes(r.event.request.cf.colo)) || ['exceededCpu', 'exceededMemory'].includes(r.outcome),
  ],
]

describe('compileFilter on generated tail events', () => {
  it.each(cases)('%s', (_name, filter, expected) => {
    const compiled = compileFilter(filter, { label: 'collection "TailEvents"', schema: tailSchema })
    const got = events.filter((row) => compiled.test(row as unknown as Row))
    const want = events.filter(expected)
    expect(got.length).toBe(want.length)
    expect(got).toEqual(want)
  })

  it('the cases are not trivial', () => {
    const counts = cases.map(([, , expected]) => events.filter(expected).length)
    expect(counts.every((count) => count > 0 && count < events.length)).toBe(true)
  })
})
