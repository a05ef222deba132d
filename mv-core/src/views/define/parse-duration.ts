const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }
const DURATION = /^(?:\d+(?:ms|s|m|h|d|w))+$/
const PART = /(\d+)(ms|s|m|h|d|w)/g

/**
 * Milliseconds of a duration such as '15m', '1h', '30s', '2d', '500ms', '1w' or '1h30m', or
 * undefined when the text is not one (no spaces, no fractions, no negative values).
 *
 * @example
 * parseDuration('1h30m') // 5_400_000
 * parseDuration('15 min') // undefined
 */
export function parseDuration(text: string): number | undefined {
  if (!DURATION.test(text)) return undefined
  let total = 0
  for (const [, amount, unit] of text.matchAll(PART)) total += Number(amount) * (UNIT_MS[unit as string] as number)
  return Number.isSafeInteger(total) ? total : undefined
}
