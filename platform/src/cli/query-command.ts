import type { Filter, FindOptions } from '@parquedb/mv-core'
import { CliError, usageError } from './cli-error.ts'
import { formatTable, toJson } from './format-table.ts'
import { DATA_HELP, DATA_OPTION, openDatabase } from './open-database.ts'
import { jsonArgument, parseCommandArgs, positiveInteger } from './parse-command-args.ts'
import type { Command } from './types.ts'

const DEFAULT_LIMIT = 100

/** `parquedb query <collection|view> [filter-json]`: rows as a table or JSON. */
export const queryCommand: Command = {
  name: 'query',
  summary: 'find rows of a collection or view',
  help: `Usage: parquedb query <collection|view> [filter-json] [--sort JSON] [--limit N] [--json] [--data DIR]

Finds rows of a collection or a view and prints them as a table (or JSON). A collection's query
is answered from a covering view when one saves work; stderr says where the answer came from.

Arguments:
  filter-json     a find filter, e.g. '{"status":"paid","total":{"$gte":100}}' (default {})

Options:
  --sort JSON     e.g. '{"total":-1}' (or a field name, '-field' for descending)
  --limit N       at most N rows (default ${DEFAULT_LIMIT})
  --json          print the rows as a JSON array
${DATA_HELP}

Examples:
  parquedb query Order '{"status":"paid"}' --sort '{"createdAt":-1}' --limit 10
  parquedb query DailySales --json
`,
  async run(args, io) {
    const options = { sort: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' }, ...DATA_OPTION } as const
    const { values, positionals, help } = parseCommandArgs('query', args, options, ['<collection|view>', '[filter-json]'])
    if (help) return io.stdout.write(queryCommand.help), 0
    const name = positionals[0]!
    const filter = positionals[1] === undefined ? {} : jsonArgument('query', 'filter-json', positionals[1])
    if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) throw usageError('query', `filter-json must be a JSON object, got ${positionals[1]}`)
    const sort = typeof values.sort === 'string' ? parseSort(values.sort) : undefined
    const limit = positiveInteger('query', 'limit', values.limit, DEFAULT_LIMIT)
    const findOptions: FindOptions = { limit, ...(sort === undefined ? {} : { sort }) }

    const { db } = await openDatabase(io, { data: values.data as string | undefined })
    try {
      const views = new Set((await db.listViews()).map((view) => view.name))
      const entries = await db.entryNames()
      if (!entries.includes(name)) throw new CliError(`no collection or view named ${JSON.stringify(name)} (known: ${entries.join(', ') || 'none'})`)
      const rows = views.has(name) ? await db.view(name).find(filter as Filter, findOptions) : await db.collection(name).find(filter as Filter, findOptions)
      if (values.json === true) io.stdout.write(`${toJson(rows, 2)}\n`)
      else {
        io.stdout.write(rows.length === 0 ? '' : formatTable(rows as readonly Record<string, unknown>[]))
        io.stdout.write(`(${rows.length} row${rows.length === 1 ? '' : 's'})\n`)
      }
      const meta = rows.meta as { servedFrom?: string; stale?: boolean } | undefined
      if (meta?.servedFrom !== undefined) io.stderr.write(`served from ${meta.servedFrom}${meta.stale === true ? ' (stale)' : ''}\n`)
      if (values.limit === undefined && rows.length === limit) io.stderr.write(`showing the first ${limit} rows: --limit N for more\n`)
      return 0
    } finally {
      await db.close()
    }
  },
}

function parseSort(text: string): NonNullable<FindOptions['sort']> {
  const shorthand = /^(-?)([\w$.]+)$/.exec(text)
  if (shorthand) return { [shorthand[2]!]: shorthand[1] === '-' ? -1 : 1 } as NonNullable<FindOptions['sort']>
  const sort = jsonArgument('query', '--sort', text)
  if (typeof sort !== 'object' || sort === null || Array.isArray(sort)) throw usageError('query', `--sort must be a JSON object such as {"total":-1}, got ${text}`)
  return sort as NonNullable<FindOptions['sort']>
}
