import { DDSketch } from '@datadog/sketches-js'

/**
 * The DDSketch pieces `$percentile` needs, on top of @datadog/sketches-js: merging, a quantile
 * with linear interpolation, and a JSON form. Merging and JSON are done here over the sketch's
 * public stores because the library's own `merge` drops the other sketch's negative values
 * (it merges `store` but not `negativeStore`) and can size the store's range wrongly when the
 * other store's highest key is 0, and its `toProto` needs protobufjs, which is not installed.
 */

/** The relative accuracy of every sketch: a quantile is within 1% of a true value. */
export const RELATIVE_ACCURACY = 0.01

/** A new empty sketch with the shared accuracy (sketches only merge at equal accuracy). */
export function newSketch(): DDSketch {
  return new DDSketch({ relativeAccuracy: RELATIVE_ACCURACY })
}

type Store = DDSketch['store']

/**
 * Adds every value of `from` into `into` (both stay usable; `from` is not changed).
 *
 * @example
 * const a = newSketch(); a.accept(-5); const b = newSketch(); b.accept(-7)
 * mergeSketch(a, b) // a.count === 2, both negatives kept
 */
export function mergeSketch(into: DDSketch, from: DDSketch): void {
  if (from.count === 0) return
  addStore(into.store, from.store)
  addStore(into.negativeStore, from.negativeStore)
  into.zeroCount += from.zeroCount
  into.count += from.count
  into.sum += from.sum
  into.min = Math.min(into.min, from.min)
  into.max = Math.max(into.max, from.max)
}

function addStore(into: Store, from: Store): void {
  // Every bin, not minKey..maxKey: the bins array is the ground truth of a store.
  const { bins, offset } = from
  for (let index = 0; index < bins.length; index++) {
    const count = bins[index] as number
    if (count !== 0) into.add(index + offset, count)
  }
}

/**
 * The q-quantile with DuckDB's quantile_cont definition, estimated: at h = q·(n − 1) it
 * interpolates linearly between the values of ranks ⌊h⌋ and ⌈h⌉, each read from the sketch
 * within 1% relative error. So the estimate is within 1% of the exact quantile_cont whenever
 * the two neighbouring values have the same sign (or one is 0); across zero the error is
 * within 1% of the larger magnitude. Ranks 0 and n − 1 are the exact min and max the sketch
 * tracks, and results are clamped to [min, max]; −0 comes out as 0. NaN for an empty sketch.
 *
 * @example
 * const s = newSketch(); for (const x of [1, 2, 3, 4]) s.accept(x)
 * sketchQuantile(s, 0.25) // ≈ 1.75
 */
export function sketchQuantile(sketch: DDSketch, q: number): number {
  const n = sketch.count
  if (n === 0) return Number.NaN
  const h = q * (n - 1)
  const low = Math.floor(h)
  const high = Math.ceil(h)
  const below = valueAtRank(sketch, low)
  const estimate = high === low ? below : below + (h - low) * (valueAtRank(sketch, high) - below)
  const clamped = Math.min(sketch.max, Math.max(sketch.min, estimate))
  // −0 (a −0 input kept as min or max) reads as 0: JSON cannot keep the sign, so a stored
  // sketch would otherwise answer differently from the one it was saved from.
  return clamped === 0 ? 0 : clamped
}

/** The value of the element of rank `rank` (0-based, ascending), approximately. */
function valueAtRank(sketch: DDSketch, rank: number): number {
  if (rank <= 0) return sketch.min
  if (rank >= sketch.count - 1) return sketch.max
  const negatives = sketch.negativeStore.count
  // The negative store is keyed by magnitude, so ascending rank is descending key.
  if (rank < negatives) return -sketch.mapping.value(sketch.negativeStore.keyAtRank(negatives - 1 - rank))
  if (rank < negatives + sketch.zeroCount) return 0
  return sketch.mapping.value(sketch.store.keyAtRank(rank - negatives - sketch.zeroCount))
}

/** JSON form of a sketch: non-empty bins as the first key and the run of counts. */
export interface SketchJson {
  readonly zero: number
  readonly min: number
  readonly max: number
  readonly positive: StoreJson
  readonly negative: StoreJson
}

export interface StoreJson {
  readonly key: number
  readonly counts: readonly number[]
}

/**
 * The sketch as JSON (the running sum is not kept: nothing here reads it). Empty sketches have
 * no min/max; they are written as 0.
 *
 * @example
 * const s = newSketch(); s.accept(10)
 * sketchFromJson(sketchToJson(s)).count // 1
 */
export function sketchToJson(sketch: DDSketch): SketchJson {
  const empty = sketch.count === 0
  return {
    zero: sketch.zeroCount,
    min: empty ? 0 : sketch.min,
    max: empty ? 0 : sketch.max,
    positive: storeToJson(sketch.store),
    negative: storeToJson(sketch.negativeStore),
  }
}

function storeToJson(store: Store): StoreJson {
  const { bins, offset } = store
  let first = 0
  while (first < bins.length && bins[first] === 0) first++
  let last = bins.length - 1
  while (last >= first && bins[last] === 0) last--
  return { key: first + offset, counts: first > last ? [] : bins.slice(first, last + 1) }
}

/** Reads sketchToJson's form back, or a string saying what is wrong with it. */
export function sketchFromJson(json: unknown): DDSketch | string {
  if (typeof json !== 'object' || json === null) return 'sketch is not an object'
  const { zero, min, max, positive, negative } = json as Record<string, unknown>
  if (!isCount(zero)) return 'sketch zero count is not a count'
  if (typeof min !== 'number' || typeof max !== 'number' || !Number.isFinite(min) || !Number.isFinite(max)) return 'sketch min/max are not finite numbers'
  const sketch = newSketch()
  const problem = readStore(sketch.store, positive) ?? readStore(sketch.negativeStore, negative)
  if (problem !== undefined) return problem
  sketch.zeroCount = zero
  sketch.count = sketch.store.count + sketch.negativeStore.count + zero
  if (sketch.count > 0) {
    sketch.min = min
    sketch.max = max
  }
  return sketch
}

function readStore(store: Store, json: unknown): string | undefined {
  if (typeof json !== 'object' || json === null) return 'sketch store is not an object'
  const { key, counts } = json as Record<string, unknown>
  if (typeof key !== 'number' || !Number.isSafeInteger(key) || !Array.isArray(counts) || !counts.every(isCount)) {
    return 'sketch store is not a key and an array of counts'
  }
  counts.forEach((count: number, index) => {
    if (count > 0) store.add(key + index, count)
  })
  return undefined
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
}
