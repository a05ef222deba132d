import { describe, expect, it } from 'vitest'
import { ParqueDBError } from '../../errors.ts'
import { decodeValue, encodeValue, StateReader } from './state-json.ts'

describe('encodeValue / decodeValue', () => {
  it('round-trip every row value form through JSON text', () => {
    const values: unknown[] = ['s', '', true, false, null, 0, -1.5, 1e300, 5n, -(2n ** 70n), new Date(5), Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, { a: [1, { b: null }] }, [1, 'x'], { $date: 5 }]
    for (const value of values) {
      const back = decodeValue(JSON.parse(JSON.stringify(encodeValue(value))) as unknown)
      expect(back).toEqual(value)
    }
    expect(decodeValue(JSON.parse(JSON.stringify(encodeValue(new Date(Number.NaN)))) as unknown)).toEqual(new Date(Number.NaN))
  })

  it('keeps stored objects that look like tags apart from tags', () => {
    expect(encodeValue({ $date: 5 })).toEqual({ $json: { $date: 5 } })
  })

  it('rejects what it could not have written', () => {
    for (const json of [{ a: 1 }, { $date: 'x' }, { $bigint: '1.5' }, { $number: 'x' }, { $json: 5 }, { $date: 1, $bigint: '1' }, [1]]) {
      expect(decodeValue(json)).toBeUndefined()
    }
  })
})

describe('StateReader', () => {
  it('throws CORRUPT naming the aggregate', () => {
    const read = () => new StateReader('view "V": $compute.x', { rows: 1.5 }).integer('rows')
    expect(read).toThrow('[parquedb] view "V": $compute.x: stored aggregate state is malformed: rows is not an integer')
    try {
      read()
    } catch (error) {
      expect(ParqueDBError.isInstance(error, 'CORRUPT')).toBe(true)
    }
    expect(() => new StateReader('x', 'nope')).toThrow(/not an object/)
  })

  it('reads fields with fallbacks for the optional ones', () => {
    const reader = new StateReader('x', { n: 2, big: '-12', flag: true, list: [1, 2] })
    expect(reader.integer('n')).toBe(2)
    expect(reader.integer('absent', 0)).toBe(0)
    expect(reader.bigint('big')).toBe(-12n)
    expect(reader.bigint('absent', 0n)).toBe(0n)
    expect(reader.boolean('flag', false)).toBe(true)
    expect(reader.finiteArray('list')).toEqual([1, 2])
    expect(() => reader.finiteArray('n')).toThrow(/not an array of finite numbers/)
    expect(() => reader.bigint('n')).toThrow(/not an integer string/)
  })
})
