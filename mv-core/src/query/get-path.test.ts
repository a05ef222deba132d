import { describe, expect, it } from 'vitest'
import { compileGetter, compileSomeAtPath, getPath, isArrayIndex, isValidPath, readSegment } from './get-path.ts'
import { tailRow } from './test-fixtures.ts'

describe('getPath and compileGetter', () => {
  it('read top-level and nested values, indexing arrays', () => {
    for (const read of [(path: string) => getPath(tailRow, path), (path: string) => compileGetter(path)(tailRow)]) {
      expect(read('outcome')).toBe('exception')
      expect(read('event.request.cf.colo')).toBe('SJC')
      expect(read('exceptions.0.name')).toBe('TypeError')
      expect(read('logs.1.message.0')).toBe('x')
      expect(read('logs.level')).toBeUndefined() // no fan-out here
      expect(read('exceptions.3.name')).toBeUndefined()
      expect(read('outcome.length')).toBeUndefined()
      expect(read('eventTimestamp.getTime')).toBeUndefined()
      expect(read('constructor')).toBeUndefined()
      expect(read('event.toString')).toBeUndefined()
    }
  })

  it('reads numeric keys of objects', () => {
    expect(getPath({ a: { 0: 'x' } }, 'a.0')).toBe('x')
    expect(readSegment([1, 2], '01')).toBeUndefined()
    expect(readSegment([1, 2], 'length')).toBeUndefined()
  })
})

describe('compileSomeAtPath', () => {
  const seen = (path: string, row: Record<string, unknown>) => {
    const values: unknown[] = []
    compileSomeAtPath(path, (value) => {
      values.push(value)
      return false
    })(row)
    return values
  }

  it('visits every value a path reaches through arrays', () => {
    expect(seen('logs.level', tailRow)).toEqual(['info', 'error'])
    expect(seen('a.b.c', { a: [{ b: [{ c: 1 }, { d: 2 }] }, { b: { c: 3 } }] })).toEqual([1, undefined, 3])
    expect(seen('a.0.b', { a: [{ b: 1 }, { b: 2 }] })).toEqual([1])
  })

  it('visits undefined once when the path reaches nothing', () => {
    expect(seen('a.b', {})).toEqual([undefined])
    expect(seen('a.b', { a: [] })).toEqual([undefined])
    expect(seen('a.b', { a: [1, 'x', [{ b: 1 }]] })).toEqual([undefined])
    expect(seen('a.b', { a: 'str' })).toEqual([undefined])
  })

  it('stops at the first match', () => {
    let calls = 0
    const test = compileSomeAtPath('logs.level', () => {
      calls++
      return true
    })
    expect(test(tailRow)).toBe(true)
    expect(calls).toBe(1)
  })
})

describe('path syntax', () => {
  it('recognises array indexes and valid paths', () => {
    expect(['0', '7', '12'].map(isArrayIndex)).toEqual([true, true, true])
    expect(['-1', '01', '1.5', 'a', ''].map(isArrayIndex)).toEqual([false, false, false, false, false])
    expect(['a', 'a.b', '$id', 'a.0'].map(isValidPath)).toEqual([true, true, true, true])
    expect(['', '.a', 'a.', 'a..b'].map(isValidPath)).toEqual([false, false, false, false])
  })
})
