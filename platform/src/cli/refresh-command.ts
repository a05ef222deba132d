import { formatTable, toJson } from './format-table.ts'
import { DATA_HELP, DATA_OPTION, openDatabase } from './open-database.ts'
import { parseCommandArgs } from './parse-command-args.ts'
import { formatDuration, startProgress } from './progress.ts'
import type { Command } from './types.ts'
import { viewRow } from './views-command.ts'
import { CliError } from './cli-error.ts'

/** `parquedb refresh <view> [--full]`: brings a view up to date, then prints its state. */
export const refreshCommand: Command = {
  name: 'refresh',
  summary: 'refresh a view (incrementally, or --full from its source)',
  help: `Usage: parquedb refresh <view> [--full] [--json] [--data DIR]

Brings a view up to date with its source and prints its new state. Progress goes to stderr.

Options:
  --full          recompute the view from its source instead of applying changes
  --json          print the new view state as JSON
${DATA_HELP}
`,
  async run(args, io) {
    const { values, positionals, help } = parseCommandArgs('refresh', args, { full: { type: 'boolean' }, json: { type: 'boolean' }, ...DATA_OPTION }, ['<view>'])
    if (help) return io.stdout.write(refreshCommand.help), 0
    const name = positionals[0]!
    const full = values.full === true
    const { db } = await openDatabase(io, { data: values.data as string | undefined })
    try {
      const names = (await db.listViews()).map((view) => view.name)
      if (!names.includes(name)) throw new CliError(`no view named ${JSON.stringify(name)} (views: ${names.length === 0 ? 'none' : names.join(', ')})`)
      const started = Date.now()
      const progress = startProgress(io.stderr, `refreshing ${name}${full ? ' (full)' : ''}`)
      try {
        await db.refreshView(name, { full })
      } catch (error) {
        progress.stop(`refresh of ${name} failed after ${formatDuration(Date.now() - started)}`)
        throw error
      }
      progress.stop(`refreshed ${name}${full ? ' (full)' : ''} in ${formatDuration(Date.now() - started)}`)
      const state = await db.getViewState(name)
      if (values.json === true) io.stdout.write(`${toJson(state, 2)}\n`)
      else {
        const record = state.lastRefreshRecord
        const row = { ...viewRow(state, Date.now()), ...(record === null ? {} : { kind: record.kind, 'rows in': record.rowsIn, 'rows out': record.rowsOut }) }
        io.stdout.write(formatTable([row]))
      }
      return state.state === 'invalid' ? 1 : 0
    } finally {
      await db.close()
    }
  },
}
