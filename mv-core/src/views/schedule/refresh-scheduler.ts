import { ParqueDBError } from '../../errors.ts'
import type { StorageDriver } from '../../storage/types.ts'
import type { MaterializedView } from '../materialized-view.ts'
import { nextRun } from './next-run.ts'

/** A scheduled view's run state, stored with its data in `_views/<Name>/_schedule.json`. */
export interface ScheduleState {
  /** Epoch ms of the next run. */
  nextRunAt: number
  lastRunAt: number | null
  /** Failed runs in a row (0 after a success). */
  failures: number
  lastError: string | null
}

export interface RefreshSchedulerOptions {
  storage: StorageDriver
  /** In [0, 1): spreads catch-up runs found due at start (default Math.random). */
  random?: () => number
  /** The most a catch-up run found due at start is delayed (default 30 s). */
  maxJitterMs?: number
  /** The first retry of a failed run waits this long, doubling each time (default 1 s). */
  backoffMs?: number
  /** Retries wait at most this long (default 1 h). */
  maxBackoffMs?: number
}

/** How often the timer looks for views registered since it was set, at the latest. */
const MAX_TIMER_MS = 60_000

/**
 * Runs the refreshes of `mode: 'scheduled'` views when their cron schedule says, keeping each
 * view's next run with its data so that a restart neither skips a due run nor fires a storm:
 * runs missed while the process was down collapse into one catch-up run, delayed by a random
 * jitter, and the next run is counted from when a run ends. A failed run is retried with
 * exponential backoff; the view keeps serving its last good data meanwhile. `runDue(now)` is the
 * whole clock-driven step (Workers call it from cron triggers or alarms); `start()` drives it
 * with timers on Node.
 *
 * Strategy 'replace' refreshes fully; 'append' takes in the source's changes since the view's
 * lineage, which is committed with the data in one step, so a crash between writing the data
 * and recording the run makes the retried run find nothing new: nothing is applied twice.
 */
export class RefreshScheduler {
  readonly #views: () => readonly MaterializedView[]
  readonly #storage: StorageDriver
  readonly #random: () => number
  readonly #maxJitterMs: number
  readonly #backoffMs: number
  readonly #maxBackoffMs: number
  readonly #states = new Map<string, ScheduleState>()
  #timer: ReturnType<typeof setTimeout> | undefined
  #running: Promise<string[]> | undefined
  #stopped = true

  constructor(views: () => readonly MaterializedView[], options: RefreshSchedulerOptions) {
    this.#views = views
    this.#storage = options.storage
    this.#random = options.random ?? Math.random
    this.#maxJitterMs = options.maxJitterMs ?? 30_000
    this.#backoffMs = options.backoffMs ?? 1_000
    this.#maxBackoffMs = options.maxBackoffMs ?? 3_600_000
  }

  /** The stored state of a scheduled view (after the scheduler has seen it). */
  state(view: string): ScheduleState | undefined {
    const state = this.#states.get(view)
    return state === undefined ? undefined : { ...state }
  }

  /** Runs every scheduled view whose next run is due at `now`; resolves to their names. One pass at a time. */
  runDue(now: Date = new Date()): Promise<string[]> {
    const previous = this.#running ?? Promise.resolve([])
    const next = previous.then(() => this.#runDue(now))
    this.#running = next.finally(() => {
      if (this.#running === next) this.#running = undefined
    })
    return next
  }

  async #runDue(now: Date): Promise<string[]> {
    const ran: string[] = []
    for (const view of this.#views()) {
      const { plan } = view
      if (plan.refresh.mode !== 'scheduled' || plan.refresh.schedule === undefined) continue
      const state = await this.#stateOf(view, now)
      if (state.nextRunAt > now.getTime()) continue
      ran.push(plan.name)
      try {
        await view.refresh({ full: plan.refresh.strategy !== 'append', trigger: 'schedule' })
        state.nextRunAt = nextRun(plan.refresh.schedule, now, plan.refresh.timeZone ?? 'UTC').getTime()
        state.lastRunAt = now.getTime()
        state.failures = 0
        state.lastError = null
      } catch (error) {
        state.failures++
        state.lastError = error instanceof Error ? error.message : String(error)
        state.nextRunAt = now.getTime() + Math.min(this.#backoffMs * 2 ** (state.failures - 1), this.#maxBackoffMs)
      }
      await this.#save(plan.name, state)
    }
    return ran
  }

  /** A view's state: as stored, or its first run from now; a run found overdue is jittered once. */
  async #stateOf(view: MaterializedView, now: Date): Promise<ScheduleState> {
    const name = view.plan.name
    let state = this.#states.get(name)
    if (state !== undefined) return state
    const stored = await this.#storage.get(stateKey(name))
    const { schedule, timeZone } = view.plan.refresh
    if (stored === undefined) {
      state = { nextRunAt: nextRun(schedule as string, now, timeZone ?? 'UTC').getTime(), lastRunAt: null, failures: 0, lastError: null }
    } else {
      state = parseState(name, new TextDecoder().decode(stored))
      // Missed while down: one catch-up run, spread so that many views do not all run at once.
      if (state.nextRunAt <= now.getTime()) state.nextRunAt = now.getTime() + Math.floor(this.#random() * this.#maxJitterMs)
    }
    this.#states.set(name, state)
    await this.#save(name, state)
    return state
  }

  async #save(name: string, state: ScheduleState): Promise<void> {
    try {
      await this.#storage.put(stateKey(name), JSON.stringify(state))
    } catch {
      // The run itself stands; unrecorded, it is found due again and repeats harmlessly (see above).
    }
  }

  /** Runs due refreshes on timers until `stop()`; timers never keep the process alive. */
  start(): void {
    if (!this.#stopped) return
    this.#stopped = false
    this.#arm(0)
  }

  stop(): void {
    this.#stopped = true
    clearTimeout(this.#timer)
    this.#timer = undefined
  }

  /** Resolves once a pass under way (if any) has ended. */
  async idle(): Promise<void> {
    await this.#running?.catch(() => undefined)
  }

  #arm(delay: number): void {
    clearTimeout(this.#timer)
    this.#timer = setTimeout(() => {
      void this.runDue(new Date())
        .catch(() => undefined)
        .then(() => {
          if (this.#stopped) return
          const soonest = Math.min(...[...this.#states.values()].map((state) => state.nextRunAt), Date.now() + MAX_TIMER_MS)
          this.#arm(Math.max(0, Math.min(soonest - Date.now(), MAX_TIMER_MS)))
        })
    }, delay)
    this.#timer.unref?.()
  }

  /** Forgets a view's state (it was dropped or redefined). */
  forget(view: string): void {
    this.#states.delete(view)
  }
}

function stateKey(view: string): string {
  return `_views/${view}/_schedule.json`
}

function parseState(view: string, text: string): ScheduleState {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new ParqueDBError('CORRUPT', `view "${view}": _schedule.json is not JSON`, { view }, { cause: error })
  }
  const state = value as Partial<ScheduleState>
  if (typeof state?.nextRunAt !== 'number' || typeof state.failures !== 'number') {
    throw new ParqueDBError('CORRUPT', `view "${view}": _schedule.json lacks nextRunAt or failures`, { view })
  }
  return { nextRunAt: state.nextRunAt, lastRunAt: state.lastRunAt ?? null, failures: state.failures, lastError: state.lastError ?? null }
}
