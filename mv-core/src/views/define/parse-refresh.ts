import { isPlainObject } from '../../query/is-plain-object.ts'
import { describeValue } from '../../schema/describe-value.ts'
import { nextRun } from '../schedule/next-run.ts'
import { parseDuration } from './parse-duration.ts'
import type { RefreshMode, RefreshPlan, RefreshStrategy } from './types.ts'
import { viewError } from './view-error.ts'
import { canonicalTimeZone } from './zone-offset.ts'

const MODES: readonly RefreshMode[] = ['streaming', 'scheduled', 'manual']
const STRATEGIES: readonly RefreshStrategy[] = ['replace', 'append']
const KEYS = ['mode', 'schedule', 'timezone', 'strategy', 'gracePeriod']

/** What a view without `$refresh` gets: maintained on every source write. */
export const DEFAULT_REFRESH: RefreshPlan = Object.freeze({ mode: 'streaming' })

/**
 * Validates `$refresh` (undefined when absent): `{ mode: 'streaming' | 'scheduled' | 'manual',
 * schedule?, timezone?, strategy?: 'replace' | 'append', gracePeriod? }`. `mode` defaults to
 * 'streaming'; 'scheduled' needs a `schedule`; `schedule` and `strategy` only apply to views
 * refreshed as a whole (scheduled or manual), which default to 'replace'.
 *
 * @example
 * parseRefresh('DailySales', { mode: 'scheduled', schedule: '0 * * * *', gracePeriod: '15m' })
 * // { mode: 'scheduled', schedule: '0 * * * *', strategy: 'replace', gracePeriodMs: 900000 }
 */
export function parseRefresh(view: string, refresh: unknown): RefreshPlan {
  if (refresh === undefined) return DEFAULT_REFRESH
  const fail = (key: string | undefined, problem: string) => viewError({ view, directive: '$refresh', ...(key === undefined ? {} : { key }) }, problem)
  if (!isPlainObject(refresh)) throw fail(undefined, `expected an object such as { mode: 'scheduled', schedule: '0 * * * *' }, got ${describeValue(refresh)}`)
  for (const key of Object.keys(refresh)) {
    if (!KEYS.includes(key)) throw fail(key, `unknown key (expected ${KEYS.join(', ')})`)
  }
  const { mode = 'streaming', schedule, timezone, strategy, gracePeriod } = refresh
  if (typeof mode !== 'string' || !(MODES as readonly string[]).includes(mode)) {
    throw fail('mode', `expected ${MODES.map((m) => `'${m}'`).join(', ')}, got ${describeValue(mode)}`)
  }
  const plan: { -readonly [K in keyof RefreshPlan]: RefreshPlan[K] } = { mode: mode as RefreshMode }

  if (schedule !== undefined) {
    if (mode !== 'scheduled') throw fail('schedule', `only applies to mode 'scheduled' (this view's mode is '${mode}')`)
    if (typeof schedule !== 'string' || schedule.trim() === '') throw fail('schedule', `expected a cron string such as '0 * * * *', got ${describeValue(schedule)}`)
    try {
      nextRun(schedule, new Date(0))
    } catch (error) {
      throw fail('schedule', `${JSON.stringify(schedule)} is not a cron schedule: ${error instanceof Error ? error.message : String(error)}`)
    }
    plan.schedule = schedule
  } else if (mode === 'scheduled') {
    throw fail('schedule', `mode 'scheduled' needs a schedule, a cron string such as '0 * * * *'`)
  }

  if (timezone !== undefined) {
    const zone = typeof timezone === 'string' ? canonicalTimeZone(timezone) : undefined
    if (zone === undefined) throw fail('timezone', `expected an IANA time zone such as 'UTC' or 'Europe/Berlin', got ${describeValue(timezone)}`)
    plan.timeZone = zone
  }

  if (strategy !== undefined) {
    if (mode === 'streaming') throw fail('strategy', `only applies to scheduled and manual refreshes; a streaming view is maintained row by row`)
    if (typeof strategy !== 'string' || !(STRATEGIES as readonly string[]).includes(strategy)) {
      throw fail('strategy', `expected 'replace' or 'append', got ${describeValue(strategy)}`)
    }
    plan.strategy = strategy as RefreshStrategy
  } else if (mode !== 'streaming') {
    plan.strategy = 'replace'
  }

  if (gracePeriod !== undefined) {
    const ms = typeof gracePeriod === 'string' ? parseDuration(gracePeriod) : undefined
    if (ms === undefined) throw fail('gracePeriod', `expected a duration such as '30s', '15m', '1h' or '2d', got ${describeValue(gracePeriod)}`)
    plan.gracePeriodMs = ms
  }
  return Object.freeze(plan)
}
