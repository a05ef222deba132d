import { describe, expect, it } from 'vitest'
import type { Row } from '../schema/types.ts'
import { compileProjection } from './project-row.ts'
import { badFilterError, tailRow } from './test-fixtures.ts'
import type { Projection } from './types.ts'

const label = 'collection "TailEvents"'
const project = (projection: Projection, row: Row = tailRow) => compileProjection(projection, { label })(row)

describe('compileProjection: inclusion', () => {
  it('keeps listed fields with $id first, in list or object form', () => {
    expect(project(['outcome', 'wallTime'])).toEqual({ $id: 'evt_1', outcome: 'exception', wallTime: 80 })
    expect(Object.keys(project({ wallTime: 1, outcome: 1, $id: 1 }))).toEqual(['$id', 'wallTime', 'outcome'])
    expect(project({ outcome: true } as unknown as Projection)).toEqual({ $id: 'evt_1', outcome: 'exception' })
  })

  it('drops $id only when asked', () => {
    expect(project({ outcome: 1, $id: 0 })).toEqual({ outcome: 'exception' })
    expect(project(['$id'])).toEqual({ $id: 'evt_1' })
  })

  it('leaves out missing fields but keeps nulls', () => {
    expect(project(['nope', 'n'], { $id: 'x', n: null })).toEqual({ $id: 'x', n: null })
  })

  it('builds nested objects for dotted paths', () => {
    expect(project({ 'event.request.url': 1, 'event.request.cf.colo': 1, 'event.response.status': 1 })).toEqual({
      $id: 'evt_1',
      event: { request: { url: 'https://example.com/users/1', cf: { colo: 'SJC' } }, response: { status: 500 } },
    })
    expect(project(['event.nope'])).toEqual({ $id: 'evt_1', event: {} })
    expect(project(['outcome.length'])).toEqual({ $id: 'evt_1' })
    expect(project(['event.request.method'], { $id: 'x', event: null })).toEqual({ $id: 'x' })
  })

  it('keeps a path inside each object element of an array', () => {
    expect(project(['logs.level'])).toEqual({ $id: 'evt_1', logs: [{ level: 'info' }, { level: 'error' }] })
    expect(project(['a.b'], { $id: 'x', a: [{ b: 1, c: 2 }, 5, { c: 3 }, [{ b: 4 }]] })).toEqual({ $id: 'x', a: [{ b: 1 }, {}, [{ b: 4 }]] })
  })

  it('picks array elements by index when every segment at that level is one', () => {
    expect(project(['exceptions.0.name'])).toEqual({ $id: 'evt_1', exceptions: [{ name: 'TypeError' }] })
    expect(project(['logs.1', 'logs.0.level'])).toEqual({ $id: 'evt_1', logs: [{ level: 'info' }, tailRow.logs[1]] })
    expect(project(['logs.5'])).toEqual({ $id: 'evt_1', logs: [] })
  })

  it('returns new objects and shares only kept leaf values', () => {
    const row = { $id: 'x', a: { b: 1, c: 2 } }
    const out = project(['a.b'], row)
    expect(out).toEqual({ $id: 'x', a: { b: 1 } })
    expect(row).toEqual({ $id: 'x', a: { b: 1, c: 2 } })
  })

  it('reports the top-level columns it reads', () => {
    expect(compileProjection({ 'event.request.url': 1, outcome: 1 }, { label }).columns).toEqual(['$id', 'event', 'outcome'])
    expect(compileProjection({ outcome: 1, $id: 0 }, { label }).columns).toEqual(['outcome'])
    expect(compileProjection({ logs: 0 }, { label }).columns).toBeUndefined()
    expect(compileProjection([], { label }).columns).toBeUndefined()
  })

  it('handles __proto__ as a plain key', () => {
    const row = JSON.parse('{"$id": "x", "__proto__": {"a": 1}}') as Row
    const out = project(['__proto__.a'], row)
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype)
    expect(Object.hasOwn(out, '__proto__')).toBe(true)
  })
})

describe('compileProjection: exclusion', () => {
  it('drops listed fields and keeps the rest', () => {
    const out = project({ logs: 0, exceptions: 0, event: 0 })
    expect(Object.keys(out)).toEqual(Object.keys(tailRow).filter((key) => !['logs', 'exceptions', 'event'].includes(key)))
    expect(project({ $id: 0 }, { $id: 'x', a: 1 })).toEqual({ a: 1 })
  })

  it('drops nested paths without touching the input', () => {
    const out = project({ 'event.request.headers': 0, 'event.request.cf': 0, 'logs.message': 0 })
    expect(out.event).toEqual({ request: { method: 'GET', url: 'https://example.com/users/1' }, response: { status: 500 } })
    expect(out.logs).toEqual([{ level: 'info', timestamp: 1 }, { level: 'error', timestamp: 3 }])
    expect(tailRow.event.request.cf.colo).toBe('SJC')
    expect(tailRow.logs[0]?.message).toEqual(['start'])
  })

  it('drops array elements by index', () => {
    expect(project({ 'a.0': 0 }, { $id: 'x', a: [1, 2, 3] })).toEqual({ $id: 'x', a: [2, 3] })
    expect(project({ 'a.1.b': 0 }, { $id: 'x', a: [{ b: 1 }, { b: 2, c: 3 }] })).toEqual({ $id: 'x', a: [{ b: 1 }, { c: 3 }] })
  })

  it('copies the row for an empty projection', () => {
    const row = { $id: 'x', a: 1 }
    const out = project({}, row)
    expect(out).toEqual(row)
    expect(out).not.toBe(row)
  })
})

describe('compileProjection: errors', () => {
  it.each([
    [{ a: 1, b: 0 }, /projection: cannot mix kept fields \(a\) with dropped fields \(b\); only \$id: 0 may be combined/],
    [{ a: 2 }, /projection: field "a" must be 1 \(keep\) or 0 \(drop\), got 2/],
    [{ a: 'yes' }, /projection: field "a" must be 1 \(keep\) or 0 \(drop\), got "yes"/],
    [{ 'a..b': 1 }, /projection: invalid field path "a\.\.b"/],
    [['a', ''], /projection: "" is not a field path/],
    [['a', 5], /projection: 5 is not a field path/],
    [['a', 'a.b'], /projection: paths "a" and "a\.b" collide/],
    [{ 'a.b': 1, a: 1 }, /projection: paths "a\.b" and "a" collide/],
    [{ 'a.b': 0, 'a.b.c': 0 }, /collide/],
    ['a', /projection: must be a list of fields or an object like \{ field: 1 \}, got string/],
  ])('rejects %o', (projection, message) => {
    const error = badFilterError(() => compileProjection(projection as unknown as Projection, { label }))
    expect(error.message).toMatch(message)
    expect(error.message).toContain(label)
    expect(error.details.option).toBe('project')
  })
})
