import { describe, expect, it } from 'vitest'
import { copyDefinition } from './copy-definition.ts'

describe('copyDefinition', () => {
  it('copies deeply and freezes', () => {
    const raw = { $from: 'Order', $filter: { status: { $in: ['a', 'b'] }, at: { $gte: new Date(5) } }, $compute: { n: { $count: '*' } } }
    const copy = copyDefinition('V', raw) as typeof raw
    expect(copy).toEqual(raw)
    expect(copy).not.toBe(raw)
    expect(Object.isFrozen(copy.$filter.status.$in)).toBe(true)
    raw.$filter.status.$in.push('c')
    expect(copy.$filter.status.$in).toEqual(['a', 'b'])
    expect(copy.$filter.at.$gte).not.toBe(raw.$filter.at.$gte)
  })

  it('keeps RegExps usable (not frozen) and bigints, drops undefined properties', () => {
    const copy = copyDefinition('V', { a: /x/g, b: 5n, c: undefined, d: [undefined] }) as Record<string, unknown>
    const regex = copy.a as RegExp
    expect(regex.test('axbx')).toBe(true)
    expect(regex.lastIndex).toBe(2)
    expect(copy).toEqual({ a: /x/g, b: 5n, d: [null] })
    expect(Object.hasOwn(copy, 'c')).toBe(false)
  })

  it("keeps a '__proto__' key as data", () => {
    const copy = copyDefinition('V', JSON.parse('{"__proto__": {"x": 1}}')) as Record<string, unknown>
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype)
    expect(Object.keys(copy)).toEqual(['__proto__'])
  })

  it('names the place of values that are not data', () => {
    expect(() => copyDefinition('V', { $compute: { n: { $sum: Symbol('x') } } })).toThrow('[parquedb] view "V": $compute.n.$sum: symbol cannot appear in a view definition (expected JSON values, Dates or RegExps)')
    expect(() => copyDefinition('V', { $select: { a: new (class Thing {})() } })).toThrow('[parquedb] view "V": $select.a: Thing cannot appear')
    let deep: unknown = 1
    for (let i = 0; i < 70; i++) deep = [deep]
    expect(() => copyDefinition('V', { $filter: deep })).toThrow('nested deeper than 64 levels')
  })
})
