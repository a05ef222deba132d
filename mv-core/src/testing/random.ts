/**
 * A seeded pseudo-random source: the same seed always yields the same sequence, on every runtime.
 * Not for anything security-related.
 *
 * @example
 * const random = createRandom(42)
 * random.int(1, 6) // a die roll, the same one for seed 42 every time
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number
  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number
  /** True with probability `p`. */
  chance(p: number): boolean
  pick<T>(items: readonly T[]): T
  /** Standard normal deviate scaled to `mean` and `deviation`. */
  normal(mean: number, deviation: number): number
  /**
   * Log-normal deviate with the given median: right-skewed and positive, the usual shape of
   * latencies (most calls fast, a long slow tail). `spread` is the sigma of the underlying normal.
   */
  logNormal(median: number, spread: number): number
  /** `length` lowercase hex digits. */
  hex(length: number): string
}

/** Weighted choices as `[value, weight]` pairs; weights need not sum to 1. */
export type Weighted<T> = readonly (readonly [T, number])[]

/**
 * A picker over fixed weighted choices. Build it once and call it per draw: the cumulative table
 * is computed here, not on every pick.
 *
 * @example
 * const outcome = weightedPicker([['ok', 95], ['exception', 5]])
 * outcome(random) // 'ok' about 95% of the time
 */
export function weightedPicker<T>(choices: Weighted<T>): (random: Random) => T {
  if (choices.length === 0) throw new RangeError('weightedPicker: no choices')
  const values = choices.map(([value]) => value)
  const cumulative: number[] = []
  let total = 0
  for (const [, weight] of choices) {
    if (!(weight >= 0)) throw new RangeError(`weightedPicker: weight ${weight} is not a non-negative number`)
    total += weight
    cumulative.push(total)
  }
  if (total === 0) throw new RangeError('weightedPicker: all weights are zero')
  const last = values[values.length - 1] as T
  return (random) => {
    const target = random.next() * total
    for (let index = 0; index < cumulative.length; index++) {
      if (target < (cumulative[index] as number)) return values[index] as T
    }
    return last
  }
}

const HEX = '0123456789abcdef'

/**
 * A `Random` over mulberry32: 32 bits of state, fast, and good enough for test data. The seed is
 * truncated to 32 bits.
 */
export function createRandom(seed: number): Random {
  let state = seed >>> 0
  // A spare deviate: Box-Muller produces normals in pairs.
  let spareNormal: number | undefined

  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let mixed = state
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1)
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61)
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296
  }

  const standardNormal = (): number => {
    if (spareNormal !== undefined) {
      const value = spareNormal
      spareNormal = undefined
      return value
    }
    // 1 - next() is in (0, 1], so the logarithm is finite.
    const radius = Math.sqrt(-2 * Math.log(1 - next()))
    const angle = 2 * Math.PI * next()
    spareNormal = radius * Math.sin(angle)
    return radius * Math.cos(angle)
  }

  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new RangeError('pick: empty list')
      return items[Math.floor(next() * items.length)] as T
    },
    normal: (mean, deviation) => mean + deviation * standardNormal(),
    logNormal: (median, spread) => median * Math.exp(spread * standardNormal()),
    hex: (length) => {
      let out = ''
      for (let index = 0; index < length; index++) out += HEX[Math.floor(next() * 16)]
      return out
    },
  }
}
