/**
 * Exact sums of doubles, kept as a short list of non-overlapping partials in increasing
 * magnitude (Shewchuk's algorithm, as in Python's math.fsum). The list represents the sum of
 * every value added so far with no rounding at all, so:
 *
 * - retracting a value (adding its negation) undoes it exactly, however many rows came between;
 * - the rounded result depends only on the multiset of values, never on the order of adds and
 *   merges: an incrementally maintained view and a full refresh agree bit for bit.
 *
 * The list stays a few entries long for real data. Finite values only: a sum beyond ±1.8e308
 * overflows like any double sum.
 */

/**
 * Adds `value` to the partials in place.
 *
 * @example
 * const partials: number[] = []
 * addExact(partials, 1e16); addExact(partials, 1); addExact(partials, -1e16)
 * roundExact(partials) // 1
 */
export function addExact(partials: number[], value: number): void {
  let x = value
  let kept = 0
  for (let index = 0; index < partials.length; index++) {
    let y = partials[index] as number
    if (Math.abs(x) < Math.abs(y)) {
      const swap = x
      x = y
      y = swap
    }
    const hi = x + y
    const lo = y - (hi - x)
    if (lo !== 0) partials[kept++] = lo
    x = hi
  }
  if (x !== 0) partials[kept++] = x
  // Overwrite in place and shorten only when needed: the common case (an integer sum, one
  // partial) then never resizes the array.
  if (kept !== partials.length) partials.length = kept
}

/** Adds every partial of `from` into `into` (the exact sum of both). */
export function mergeExact(into: number[], from: readonly number[]): void {
  for (const value of from) addExact(into, value)
}

const SPLITTER = 134217729 // 2^27 + 1: splits a double into two 26-bit halves (Veltkamp)

/**
 * Adds `sign × a × b` exactly: the rounded product and its rounding error (Dekker's two-product).
 * Exact while the product neither overflows nor underflows.
 *
 * @example
 * const partials: number[] = []
 * addExactProduct(partials, 0.1, 0.1, 1) // partials now hold 0.1 × 0.1 without rounding
 */
export function addExactProduct(partials: number[], a: number, b: number, sign: 1 | -1): void {
  const product = a * b
  const ca = SPLITTER * a
  const aHi = ca - (ca - a)
  const aLo = a - aHi
  const cb = SPLITTER * b
  const bHi = cb - (cb - b)
  const bLo = b - bHi
  const error = aHi * bHi - product + aHi * bLo + aLo * bHi + aLo * bLo
  addExact(partials, sign * product)
  if (error !== 0) addExact(partials, sign * error)
}

/**
 * Adds a bigint exactly, as a few doubles (each step takes the nearest double and keeps the
 * remainder, which is smaller).
 *
 * @example
 * const partials: number[] = []
 * addExactBigint(partials, 2n ** 60n + 1n); roundExact(partials) // 1152921504606846976
 */
export function addExactBigint(partials: number[], value: bigint): void {
  let rest = value
  while (rest !== 0n) {
    const head = Number(rest)
    addExact(partials, head)
    rest -= BigInt(head)
  }
}

/**
 * The sum the partials represent, correctly rounded to the nearest double (ties to even).
 *
 * @example
 * const partials: number[] = []
 * for (const x of [0.1, 0.2, 0.3]) addExact(partials, x)
 * roundExact(partials) // 0.6 (adding left to right in doubles gives 0.6000000000000001)
 */
export function roundExact(partials: readonly number[]): number {
  let n = partials.length
  if (n === 0) return 0
  let hi = partials[--n] as number
  let lo = 0
  // Adding from the largest partial down: stop at the first inexact step; what follows can
  // only matter for a tie, handled below.
  while (n > 0) {
    const x = hi
    const y = partials[--n] as number
    hi = x + y
    lo = y - (hi - x)
    if (lo !== 0) break
  }
  if (n > 0) {
    const next = partials[n - 1] as number
    if ((lo < 0 && next < 0) || (lo > 0 && next > 0)) {
      // hi + lo is exactly halfway between two doubles and the rest pushes it past the middle.
      const y = lo * 2
      const x = hi + y
      if (y === x - hi) hi = x
    }
  }
  return hi
}
