import type { TextSink } from './types.ts'

/** A running progress indicator; `stop` clears it and prints a last line if given. */
export interface Progress {
  update(done: number, detail?: string): void
  stop(finalLine?: string): void
}

export interface ProgressOptions {
  /** The amount `done` counts towards, when known: a bar with a percentage; a spinner otherwise. */
  readonly total?: number
  /** How `done` reads ('12.5 MB'); the number itself by default. */
  readonly format?: (amount: number) => string
  /** Where the time comes from (tests). */
  readonly now?: () => number
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']
const REDRAW_MS = 100
/** Without a terminal, a plain line at most this often: a log stays readable. */
const PLAIN_LINE_MS = 5000
const BAR_WIDTH = 24

/**
 * Shows that work is under way, with the elapsed time: on a terminal a spinner or bar redrawn in
 * place; otherwise plain lines (one at the start, one every few seconds, one at the end).
 *
 * @example
 * const progress = startProgress(process.stderr, 'ingesting Order', { total: size, format: formatBytes })
 * progress.update(bytesRead)
 * progress.stop('ingested 10,000 rows')
 */
export function startProgress(sink: TextSink, label: string, options: ProgressOptions = {}): Progress {
  const now = options.now ?? Date.now
  const format = options.format ?? ((amount: number) => amount.toLocaleString('en-US'))
  const started = now()
  let done = 0
  let detail: string | undefined
  let frame = 0
  let lastPlainLine = started

  const describe = () => {
    const amount = options.total !== undefined && options.total > 0 ? `${bar(done / options.total)} ${format(done)} / ${format(options.total)}` : done > 0 ? format(done) : ''
    return [label, amount, detail, formatDuration(now() - started)].filter((part) => part !== undefined && part !== '').join('  ')
  }

  if (sink.isTTY !== true) {
    sink.write(`${label}...\n`)
    return {
      update(amount, text) {
        done = amount
        detail = text
        if (now() - lastPlainLine >= PLAIN_LINE_MS) {
          lastPlainLine = now()
          sink.write(`${describe()}\n`)
        }
      },
      stop(finalLine) {
        if (finalLine !== undefined) sink.write(`${finalLine}\n`)
      },
    }
  }

  const draw = () => {
    const line = `${FRAMES[frame++ % FRAMES.length]} ${describe()}`
    const width = sink.columns ?? 80
    sink.write(`\r\x1b[K${line.length >= width ? line.slice(0, width - 1) : line}`)
  }
  draw()
  const timer = setInterval(draw, REDRAW_MS)
  timer.unref?.() // never the reason the process stays up
  return {
    update(amount, text) {
      done = amount
      detail = text
    },
    stop(finalLine) {
      clearInterval(timer)
      sink.write(`\r\x1b[K${finalLine === undefined ? '' : `${finalLine}\n`}`)
    },
  }
}

function bar(fraction: number): string {
  const clamped = Math.min(1, Math.max(0, fraction))
  const filled = Math.round(clamped * BAR_WIDTH)
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${String(Math.floor(clamped * 100)).padStart(3)}%`
}

/** 850 ms → '0.9s', 75 s → '1m 15s'. */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`
  const seconds = Math.floor(ms / 1000)
  return `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, '0')}s`
}

/** 1536 → '1.5 KB'. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`
}
