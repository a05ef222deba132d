import { describe, expect, it } from 'vitest'
import { ParqueDBError } from '../errors.ts'
import { compareKeys, validateKey, validatePrefix } from './keys.ts'

function codeOf(fn: () => void): string | undefined {
  try {
    fn()
    return undefined
  } catch (error) {
    return ParqueDBError.isInstance(error) ? error.code : 'not a ParqueDBError'
  }
}

describe('validateKey', () => {
  it.each(['a', 'a/b', 'users/_log/00000001.json', 'x.parquet', '.hidden/file', 'a..b', '...', 'données/été', 'a b/c-d_e+f=g'])('accepts %j', (key) => {
    expect(codeOf(() => validateKey(key))).toBeUndefined()
  })

  it.each([
    ['', 'empty'],
    ['/x', 'absolute'],
    ['C:\\x', 'drive letter'],
    ['c:/x', 'drive letter'],
    ['..', "'..' segment"],
    ['a/../b', "'..' segment"],
    ['.', "'.' segment"],
    ['a/./b', "'.' segment"],
    ['a//b', 'empty segment'],
    ['a/', 'empty segment'],
    ['a\\b', 'backslash'],
    ['a\u0000b', 'control character'],
    ['a\u001fb', 'control character'],
    ['a\u007fb', 'control character'],
    ['é'.repeat(513), 'longer than 1024 bytes'],
  ])('rejects %j (%s) with BAD_KEY naming the key', (key, why) => {
    let error: unknown
    try {
      validateKey(key)
    } catch (e) {
      error = e
    }
    expect(ParqueDBError.isInstance(error, 'BAD_KEY')).toBe(true)
    const message = (error as Error).message
    expect(message).toContain(why)
    expect(message).toContain(JSON.stringify(key).slice(0, 20))
    expect((error as ParqueDBError).details.key).toBe(key)
  })

  it('rejects non-strings', () => {
    expect(codeOf(() => validateKey(undefined as unknown as string))).toBe('BAD_KEY')
  })
})

describe('validatePrefix', () => {
  it.each(['', 'a/', 'a/b/', 'users/_log/'])('accepts %j', (prefix) => {
    expect(codeOf(() => validatePrefix(prefix))).toBeUndefined()
  })

  it.each(['a', '/', '/a/', 'a//', '../', 'a/../', './', 'a\\b/', 'a\u0000/'])('rejects %j', (prefix) => {
    expect(codeOf(() => validatePrefix(prefix))).toBe('BAD_KEY')
  })
})

describe('compareKeys', () => {
  it('orders by code unit, so "a.b" < "a/b" < "aa"', () => {
    expect(['aa', 'a/b', 'a.b', 'B', 'a'].sort(compareKeys)).toEqual(['B', 'a', 'a.b', 'a/b', 'aa'])
  })
})
