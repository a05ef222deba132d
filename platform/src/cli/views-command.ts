import type { ViewState } from '@parquedb/mv-core'
import { formatTable, toJson } from './format-table.ts'
import { DATA_HELP, DATA_OPTION, openDatabase } from './open-database.ts'
import { parseCommandArgs } from './parse-command-args.ts'
import type { Command } from './types.ts'

/** `parquedb views`: every view with its state, refresh mode and lag. */
export const viewsCommand: Command = {
  name: 'views',
  summary: 'list the views with their state, mode and lag',
  help: `Usage: parquedb views [--json] [--data DIR]

Lists the views of the configured database (yours and the plugins'): state (fresh, stale,
invalid), refresh mode, lag (source writes not yet applied), when they last took in changes.

Options:
  --json          print the full view states as JSON
${DATA_HELP}
`,
  async run(args, io) {
    const { values, help } = parseCommandArgs('views', args, { json: { type: 'boolean' }, ...DATA_OPTION }, [])
    if (help) return io.stdout.write(viewsCommand.help), 0
    const { db } = await openDatabase(io, { data: values.data as string | undefined })
    try {
      const views = await db.listViews()
      if (values.json === true) io.stdout.write(`${toJson(views, 2)}\n`)
      else if (views.length === 0) io.stdout.write('no views\n')
      else io.stdout.write(formatTable(views.map((view) => viewRow(view, Date.now()))))
      return 0
    } finally {
      await db.close()
    }
  },
}

/** A view state as a table row (also used by `refresh`). */
export function viewRow(view: ViewState, now: number): Record<string, unknown> {
  return {
    view: view.name,
    state: view.state,
    mode: view.mode,
    lag: view.lag,
    // The committed contents' time survives restarts; lastRefresh restarts with the process.
    'last refresh': formatAge(view.lineage.lastRefreshTime ?? view.lastRefresh, now),
    ...(view.staleSince === null ? {} : { 'stale since': view.staleSince }),
    ...(view.error === undefined ? {} : { error: view.error }),
  }
}

/** How long ago: '12s ago', '5m ago', '3h 20m ago', '2d 4h ago'; 'never' for null. */
export function formatAge(time: Date | null, now: number): string {
  if (time === null) return 'never'
  const seconds = Math.max(0, Math.round((now - time.getTime()) / 1000))
  if (seconds < 60) return `${seconds}s ago`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes}m ago`
  const hours = Math.floor(minutes / 60)
  if (hours < 24) return `${hours}h ${minutes % 60}m ago`
  return `${Math.floor(hours / 24)}d ${hours % 24}h ago`
}
