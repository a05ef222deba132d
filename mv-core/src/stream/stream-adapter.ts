import { ParqueDBError } from '../errors.ts'
import type { Row } from '../schema/types.ts'

/**
 * Where a stream processor's events come from: one async iterable per run, ended by `signal`.
 * Pull-based sources are read only as fast as the processor writes (backpressure); push-based
 * ones (an EventEmitter) are buffered and, when they can pause, paused while the buffer is full.
 */
export interface StreamAdapter {
  readonly type: 'node' | 'iterator' | 'poll'
  events(signal: AbortSignal): AsyncIterable<Row>
}

/** The part of an EventEmitter (or a Readable) the node adapter uses. */
export interface EventSource {
  on(event: string, listener: (...args: unknown[]) => void): unknown
  off?(event: string, listener: (...args: unknown[]) => void): unknown
  removeListener?(event: string, listener: (...args: unknown[]) => void): unknown
  /** Streams that can pause are paused while the processor is behind. */
  pause?(): unknown
  resume?(): unknown
}

export type StreamAdapterOptions =
  | {
      type: 'node'
      emitter: EventSource
      event: string
      /** Events buffered before a pausable emitter is paused (default 10,000). */
      highWaterMark?: number
    }
  | { type: 'iterator'; source: AsyncIterable<Row> | (() => AsyncIterable<Row>) }
  | {
      type: 'poll'
      /** Returns the events that arrived since the last call (an array, possibly empty). */
      fetch: () => Promise<readonly Row[]> | readonly Row[]
      intervalMs: number
    }

/**
 * An adapter for `db.createStreamProcessor`: an EventEmitter's events, an async iterator, or a
 * function polled on an interval.
 *
 * @example
 * createStreamAdapter({ type: 'node', emitter: tail, event: 'data' })
 * createStreamAdapter({ type: 'iterator', source: async function* () { yield* events } })
 * createStreamAdapter({ type: 'poll', fetch: () => fetchLatestEvents(), intervalMs: 1000 })
 */
export function createStreamAdapter(options: StreamAdapterOptions): StreamAdapter {
  const fail = (message: string) => new ParqueDBError('VALIDATION', `createStreamAdapter: ${message}`)
  if (options === null || typeof options !== 'object') throw fail(`expected options such as { type: 'node', emitter, event }`)
  switch (options.type) {
    case 'node': {
      if (typeof options.emitter?.on !== 'function') throw fail(`type 'node' needs an emitter with on()`)
      if (typeof options.event !== 'string' || options.event === '') throw fail(`type 'node' needs the event name to listen for`)
      const highWaterMark = options.highWaterMark ?? 10_000
      if (!(Number.isInteger(highWaterMark) && highWaterMark > 0)) throw fail(`highWaterMark must be a positive integer, got ${String(highWaterMark)}`)
      return { type: 'node', events: (signal) => emitterEvents(options.emitter, options.event, highWaterMark, signal) }
    }
    case 'iterator': {
      const { source } = options
      const open = typeof source === 'function' ? source : () => source
      if (typeof source !== 'function' && !(source !== null && typeof source === 'object' && Symbol.asyncIterator in source)) {
        throw fail(`type 'iterator' needs source: an async iterable or a function returning one`)
      }
      return { type: 'iterator', events: (signal) => untilAborted(open(), signal) }
    }
    case 'poll': {
      if (typeof options.fetch !== 'function') throw fail(`type 'poll' needs fetch: a function returning the new events`)
      if (!(Number.isFinite(options.intervalMs) && options.intervalMs > 0)) throw fail(`type 'poll' needs intervalMs > 0, got ${String(options.intervalMs)}`)
      return { type: 'poll', events: (signal) => polledEvents(options.fetch, options.intervalMs, signal) }
    }
    default:
      throw fail(`unknown type ${JSON.stringify((options as { type?: unknown }).type)} (expected 'node', 'iterator' or 'poll')`)
  }
}

async function* emitterEvents(emitter: EventSource, event: string, highWaterMark: number, signal: AbortSignal): AsyncGenerator<Row> {
  const buffer: Row[] = []
  let wake: (() => void) | undefined
  let paused = false
  const listener = (value: unknown) => {
    buffer.push(value as Row)
    if (!paused && buffer.length >= highWaterMark && typeof emitter.pause === 'function') {
      paused = true
      emitter.pause()
    }
    wake?.()
  }
  const onAbort = () => wake?.()
  emitter.on(event, listener)
  signal.addEventListener('abort', onAbort)
  try {
    for (;;) {
      while (buffer.length > 0) {
        yield buffer.shift() as Row
        if (paused && buffer.length < highWaterMark / 2) {
          paused = false
          emitter.resume?.()
        }
      }
      // Stopping: what arrived before the stop is still handed over (above), nothing after it.
      if (signal.aborted) return
      await new Promise<void>((resolve) => {
        wake = resolve
      })
      wake = undefined
    }
  } finally {
    signal.removeEventListener('abort', onAbort)
    if (typeof emitter.off === 'function') emitter.off(event, listener)
    else emitter.removeListener?.(event, listener)
    if (paused) emitter.resume?.()
  }
}

async function* untilAborted(source: AsyncIterable<Row>, signal: AbortSignal): AsyncGenerator<Row> {
  const iterator = source[Symbol.asyncIterator]()
  try {
    while (!signal.aborted) {
      const next = await iterator.next()
      if (next.done) return
      yield next.value
    }
  } finally {
    await iterator.return?.()
  }
}

async function* polledEvents(fetch: () => Promise<readonly Row[]> | readonly Row[], intervalMs: number, signal: AbortSignal): AsyncGenerator<Row> {
  while (!signal.aborted) {
    const events = await fetch()
    if (!Array.isArray(events)) throw new ParqueDBError('VALIDATION', `createStreamAdapter: poll fetch() must return an array of events, got ${typeof events}`)
    yield* events
    if (signal.aborted) return
    await sleep(intervalMs, signal)
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms)
    function done() {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done)
  })
}
