import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import { ParqueDBError } from '@parquedb/mv-core'
import type { CollectionAccess } from '../db.ts'
import { CliError } from './cli-error.ts'
import { DATA_HELP, DATA_OPTION, openDatabase } from './open-database.ts'
import { parseCommandArgs, positiveInteger } from './parse-command-args.ts'
import { formatBytes, formatDuration, startProgress } from './progress.ts'
import { readNdjsonBatches, type NdjsonRejection, type NdjsonRow } from './read-ndjson-batches.ts'
import type { Command } from './types.ts'

const DEFAULT_BATCH = 5000
/** The summary lists this many rejected lines; the count covers the rest. */
const LISTED_REJECTIONS = 50

/** `parquedb ingest <collection> <file|->`: loads NDJSON, keeping the good rows of bad batches. */
export const ingestCommand: Command = {
  name: 'ingest',
  summary: 'load newline-delimited JSON into a collection',
  help: `Usage: parquedb ingest <collection> <file.ndjson|-> [--batch N] [--data DIR]

Reads one JSON object per line (from a file, or stdin with -) and inserts them in batches.
A row the collection's schema refuses is rejected alone: the rest of its batch is inserted.
Prints the rows inserted, and the rejected lines with the reason on stderr; exits with 1 when
any line was rejected. Progress goes to stderr.

Options:
  --batch N       rows per insert (default ${DEFAULT_BATCH})
${DATA_HELP}

Examples:
  parquedb ingest Order orders.ndjson
  gunzip -c events.ndjson.gz | parquedb ingest TailEvents -
`,
  async run(args, io) {
    const { values, positionals, help } = parseCommandArgs('ingest', args, { batch: { type: 'string' }, ...DATA_OPTION }, ['<collection>', '<file.ndjson|->'])
    if (help) return io.stdout.write(ingestCommand.help), 0
    const [name, input] = positionals as [string, string]
    const batchSize = positiveInteger('ingest', 'batch', values.batch, DEFAULT_BATCH)
    const path = input === '-' ? undefined : resolve(io.cwd, input)
    let size: number | undefined
    if (path !== undefined) {
      const info = await stat(path).catch((error: unknown) => {
        throw new CliError(`cannot read ${input}: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
      })
      if (!info.isFile()) throw new CliError(`${input} is not a file`)
      size = info.size
    }

    const { db } = await openDatabase(io, { data: values.data as string | undefined })
    try {
      const views = new Set((await db.listViews()).map((view) => view.name))
      const entries = await db.entryNames()
      if (views.has(name)) throw new CliError(`${name} is a view; ingest into its source collection`)
      if (!entries.includes(name)) throw new CliError(`no collection named ${JSON.stringify(name)} (collections: ${entries.filter((entry) => !views.has(entry)).join(', ') || 'none'})`)
      const collection = db.collection(name)
      const started = Date.now()
      const progress = startProgress(io.stderr, `ingesting ${input === '-' ? 'stdin' : input} into ${name}`, { ...(size === undefined ? {} : { total: size }), format: formatBytes })
      let inserted = 0
      const rejected: NdjsonRejection[] = []
      let bytes = 0
      try {
        for await (const batch of readNdjsonBatches(path === undefined ? io.stdin : createReadStream(path), batchSize)) {
          rejected.push(...batch.invalid)
          inserted += await insertKeepingGoodRows(collection, batch.rows, rejected)
          bytes = batch.bytesRead
          progress.update(bytes, `${inserted.toLocaleString('en-US')} rows`)
        }
      } catch (error) {
        progress.stop()
        throw new CliError(`stopped after ${inserted.toLocaleString('en-US')} rows were inserted: ${messageOf(error)}`, { cause: error })
      }
      progress.stop(`read ${formatBytes(bytes)} in ${formatDuration(Date.now() - started)}`)
      io.stdout.write(`inserted ${plural(inserted, 'row')} into ${name}, rejected ${plural(rejected.length, 'row')}\n`)
      if (rejected.length === 0) return 0
      rejected.sort((a, b) => a.line - b.line)
      const listed = rejected.slice(0, LISTED_REJECTIONS).map((rejection) => `  line ${rejection.line}: ${rejection.reason}\n`)
      const more = rejected.length > LISTED_REJECTIONS ? `  ... and ${plural(rejected.length - LISTED_REJECTIONS, 'more line')}\n` : ''
      io.stderr.write(`rejected ${plural(rejected.length, 'line')}:\n${listed.join('')}${more}`)
      return 1
    } finally {
      await db.close()
    }
  },
}

/**
 * Inserts rows in one call; when the schema refuses the batch (which writes none of it), splits
 * it in halves and retries each, down to single rows, so only the bad rows are left out: a
 * batch with a few bad rows costs a few calls instead of one per row. Returns the rows inserted.
 */
async function insertKeepingGoodRows(collection: CollectionAccess, rows: readonly NdjsonRow[], rejected: NdjsonRejection[]): Promise<number> {
  if (rows.length === 0) return 0
  try {
    await collection.bulkCreate(rows.map((entry) => entry.row))
    return rows.length
  } catch (error) {
    if (!ParqueDBError.isInstance(error, 'VALIDATION')) throw error
    if (rows.length === 1) {
      rejected.push({ line: rows[0]!.line, reason: rowReason(error.message) })
      return 0
    }
    const half = Math.ceil(rows.length / 2)
    return (await insertKeepingGoodRows(collection, rows.slice(0, half), rejected)) + (await insertKeepingGoodRows(collection, rows.slice(half), rejected))
  }
}

/** A one-row batch's validation message without the prefix naming the collection and "row 0". */
function rowReason(message: string): string {
  return message.replace(/^\[parquedb\] /, '').replace(/^collection "[^"]*": row \d+: /, '')
}

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/^\[parquedb\] /, '')
}

function plural(count: number, noun: string): string {
  return `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`
}
