/**
 * The measuring, statistics and reporting pieces shared by every benchmark (see
 * /work/shared/BENCHMARKS.md for the rules they implement).
 */

export type Scale = 'full' | 'small'
export type Better = 'higher' | 'lower'

/** One timed repetition, resolving to the metric's value for that repetition. */
export type Trial = () => Promise<number>

/** A side that cannot run in this tree, with the reason printed instead of a figure. */
export interface Unavailable {
  readonly unavailable: string
}

/** Both sides of one benchmark, ready to repeat, and what to release afterwards. */
export interface Contest {
  readonly ours: Trial | Unavailable
  readonly peer: Trial | Unavailable
  dispose(): Promise<void>
}

/**
 * A benchmark: ours against a peer doing the same work in the same run.
 *
 * @example
 * const scanBenchmark: BenchmarkDefinition = { id: 'scan.2col.1m', metric: 'values_per_s', unit: '1/s',
 *   better: 'higher', peer: 'duckdb', target: 10_000_000, prepare: async (scale) => ({ ours, peer, dispose }) }
 */
export interface BenchmarkDefinition {
  readonly id: string
  readonly metric: string
  readonly unit: string
  readonly better: Better
  readonly peer: string
  /** The goal the issue names, or null when it names none. */
  readonly target: number | null
  /** Timed repetitions per side; at least 5. */
  readonly repetitions?: number
  /** One line on what is measured, printed before the run. */
  readonly description: string
  prepare(scale: Scale): Promise<Contest>
}

export interface Summary {
  readonly median: number
  readonly min: number
  readonly max: number
  readonly n: number
}

/** A row of bench/results/latest.json, in the shape BENCHMARKS.md fixes. */
export interface ResultRecord {
  id: string
  metric: string
  value: number
  unit: string
  better: Better
  peer: string
  peerValue: number | null
  ratio: number | null
  target: number | null
  min: number
  max: number
  n: number
  scale: Scale
}

export const MIN_REPETITIONS = 5
const WARMUPS = 1

export function isUnavailable<T extends object>(value: T | Unavailable): value is Unavailable {
  return typeof value === 'object' && 'unavailable' in value
}

/** `count` at full scale, a tenth of it (at least 1) at small scale. */
export function scaled(count: number, scale: Scale): number {
  return scale === 'small' ? Math.max(1, Math.round(count / 10)) : count
}

export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new RangeError('summarize: no samples')
  const sorted = [...samples].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  const median = sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
  return { median, min: sorted[0] as number, max: sorted[sorted.length - 1] as number, n: sorted.length }
}

/**
 * Runs a warm-up of each available side, then the timed repetitions alternating ours and the
 * peer, so that drift on a shared machine (other jobs, thermal state) hits both alike.
 */
export async function measureContest(contest: Contest, repetitions: number): Promise<{ ours: Summary | Unavailable; peer: Summary | Unavailable }> {
  const count = Math.max(MIN_REPETITIONS, repetitions)
  const sides = [contest.ours, contest.peer]
  const samples: number[][] = [[], []]
  for (let round = 0; round < WARMUPS + count; round++) {
    for (const [index, side] of sides.entries()) {
      if (isUnavailable(side)) continue
      const value = await side()
      if (!Number.isFinite(value)) throw new Error(`a repetition returned ${value}`)
      if (round >= WARMUPS) samples[index]?.push(value)
    }
  }
  const summaryOf = (index: number): Summary | Unavailable => {
    const side = sides[index] as Trial | Unavailable
    return isUnavailable(side) ? side : summarize(samples[index] as number[])
  }
  return { ours: summaryOf(0), peer: summaryOf(1) }
}

/** Ours against the peer, oriented so that > 1 means we are better. */
export function ratioOf(ours: number, peer: number, better: Better): number {
  return better === 'higher' ? ours / peer : peer / ours
}

export function targetStatus(value: number, target: number | null, better: Better): 'met' | 'missed' | '-' {
  if (target === null) return '-'
  return (better === 'higher' ? value >= target : value <= target) ? 'met' : 'missed'
}

/** Keeps about four significant digits: enough for figures that drift by percents. */
export function round(value: number): number {
  if (value === 0 || !Number.isFinite(value)) return value
  const digits = Math.max(0, 3 - Math.floor(Math.log10(Math.abs(value))))
  return Number(value.toFixed(Math.min(digits, 6)))
}

export function toRecord(definition: BenchmarkDefinition, ours: Summary, peer: Summary | Unavailable, scale: Scale): ResultRecord {
  const peerValue = isUnavailable(peer) ? null : peer.median
  return {
    id: definition.id,
    metric: definition.metric,
    value: round(ours.median),
    unit: definition.unit,
    better: definition.better,
    peer: definition.peer,
    peerValue: peerValue === null ? null : round(peerValue),
    ratio: peerValue === null ? null : Number(ratioOf(ours.median, peerValue, definition.better).toFixed(3)),
    target: definition.target,
    min: round(ours.min),
    max: round(ours.max),
    n: ours.n,
    scale,
  }
}

/** 312000 -> '312k', 0.01234 -> '0.0123': compact figures for the table. */
export function formatFigure(value: number): string {
  const magnitude = Math.abs(value)
  if (magnitude >= 1e9) return `${(value / 1e9).toPrecision(3)}G`
  if (magnitude >= 1e6) return `${(value / 1e6).toPrecision(3)}M`
  if (magnitude >= 1e4) return `${(value / 1e3).toPrecision(3)}k`
  return String(round(value))
}

export function formatSummary(side: Summary | Unavailable): string {
  if (isUnavailable(side)) return 'n/a'
  return `${formatFigure(side.median)} (${formatFigure(side.min)}..${formatFigure(side.max)})`
}

/** A plain-text table with left-aligned columns. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)))
  const line = (cells: readonly string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd()
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n')
}
