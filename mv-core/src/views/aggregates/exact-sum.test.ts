import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { addExact, addExactBigint, addExactProduct, mergeExact, roundExact } from './exact-sum.ts'

/** Doubles m·2^e with e ≥ −60: every one, and every sum of them, is an integer number of 2^−60 units. */
const UNIT = 60
const dyadic = fc
  .tuple(fc.integer({ min: -(2 ** 53 - 1), max: 2 ** 53 - 1 }), fc.integer({ min: -UNIT, max: 40 }))
  .map(([mantissa, exponent]) => mantissa * 2 ** exponent)

/** The exact value of a double in 2^−bits units (exact: scaling by a power of two). */
function units(value: number, bits = UNIT): bigint {
  return BigInt(value * 2 ** bits)
}

function exactTotal(values: readonly number[]): bigint {
  return values.reduce((total, value) => total + units(value), 0n)
}

function partialsOf(values: readonly number[]): number[] {
  const partials: number[] = []
  for (const value of values) addExact(partials, value)
  return partials
}

describe('exact sums', () => {
  it('keeps what naive summation loses', () => {
    expect(roundExact(partialsOf([1e16, 1, -1e16]))).toBe(1)
    expect(roundExact(partialsOf([0.1, 0.2, 0.3]))).toBe(0.6)
    expect(0.1 + 0.2 + 0.3).toBe(0.6000000000000001)
    expect(roundExact(partialsOf([2 ** 53, 1, 1]))).toBe(2 ** 53 + 2)
    expect(roundExact(partialsOf([1e308, 1e-308, -1e308]))).toBe(1e-308)
    expect(roundExact([])).toBe(0)
  })

  it('the partials hold the exact sum, and the result is it correctly rounded', () => {
    fc.assert(
      fc.property(fc.array(dyadic, { maxLength: 60 }), (values) => {
        const partials = partialsOf(values)
        const exact = exactTotal(values)
        expect(partials.reduce((total, partial) => total + units(partial), 0n)).toBe(exact)
        // Number(bigint) rounds to nearest, ties to even; the power-of-two scaling is exact.
        expect(roundExact(partials)).toBe(Number(exact) * 2 ** -UNIT)
      }),
      { numRuns: 500 },
    )
  })

  it('rounds halfway cases to even', () => {
    // 1 + 2^-53 is exactly between 1 and 1 + 2^-52; a tiny extra part decides.
    expect(roundExact(partialsOf([1, 2 ** -53]))).toBe(1)
    expect(roundExact(partialsOf([1, 2 ** -53, 2 ** -60]))).toBe(1 + 2 ** -52)
    expect(roundExact(partialsOf([1, 2 ** -53, -(2 ** -60)]))).toBe(1)
    expect(roundExact(partialsOf([1 + 2 ** -52, 2 ** -53]))).toBe(1 + 2 ** -51)
  })

  it('does not depend on order, and retracting undoes adding exactly', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e200, max: 1e200 }), { maxLength: 40 }), fc.array(fc.boolean()), (values, retract) => {
        const forward = roundExact(partialsOf(values))
        expect(roundExact(partialsOf([...values].reverse()))).toBe(forward)
        const partials = partialsOf(values)
        const kept = values.filter((value, index) => {
          if (!retract[index]) return true
          addExact(partials, -value)
          return false
        })
        expect(roundExact(partials)).toBe(roundExact(partialsOf(kept)))
      }),
      { numRuns: 300 },
    )
  })

  it('merges partial lists exactly', () => {
    fc.assert(
      fc.property(fc.array(dyadic), fc.array(dyadic), (left, right) => {
        const merged = partialsOf(left)
        mergeExact(merged, partialsOf(right))
        expect(roundExact(merged)).toBe(Number(exactTotal([...left, ...right])) * 2 ** -UNIT)
      }),
    )
  })

  it('adds products exactly', () => {
    const factor = fc.tuple(fc.integer({ min: -(2 ** 53 - 1), max: 2 ** 53 - 1 }), fc.integer({ min: -30, max: 30 })).map(([m, e]) => m * 2 ** e)
    fc.assert(
      fc.property(factor, factor, fc.constantFrom(1 as const, -1 as const), (a, b, sign) => {
        const partials: number[] = []
        addExactProduct(partials, a, b, sign)
        const exact = BigInt(sign) * units(a, 30) * units(b, 30)
        expect(partials.reduce((total, partial) => total + units(partial, 60), 0n)).toBe(exact)
      }),
      { numRuns: 500 },
    )
  })

  it('adds bigints exactly', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 200n), max: 2n ** 200n }), (value) => {
        const partials: number[] = []
        addExactBigint(partials, value)
        expect(partials.reduce((total, partial) => total + BigInt(partial), 0n)).toBe(value)
        expect(roundExact(partials)).toBe(Number(value))
      }),
    )
  })
})
