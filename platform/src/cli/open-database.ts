import { isAbsolute, relative, resolve } from 'node:path'
import { ParqueDBError } from '@parquedb/mv-core'
import { DB, type DatabaseFacade } from '../db.ts'
import { CONFIG_FILE_NAMES, loadConfig, type LoadedConfig } from '../node/load-config.ts'
import { CliError } from './cli-error.ts'
import type { CliIo } from './types.ts'

/** The `--data DIR` option the data commands share. */
export const DATA_OPTION = { data: { type: 'string' } } as const
export const DATA_HELP = '  --data DIR      the data directory (default: the config\'s storage, else ./data)'

/** An open database, with the configuration it was opened from. */
export interface OpenedDatabase {
  readonly db: DatabaseFacade
  readonly config: LoadedConfig
  /** Where the data is, for messages. */
  readonly where: string
}

/**
 * Loads the config of the working directory and opens its database in this process: schema,
 * plugins and storage (`--data` overrides the storage with a directory). Says on stderr when
 * there is no config file. A directory a running server holds is reported as such, with advice.
 *
 * @example
 * const { db } = await openDatabase(io, { data: values.data })
 * try { ... } finally { await db.close() }
 */
export async function openDatabase(io: CliIo, options: { data?: string | undefined } = {}): Promise<OpenedDatabase> {
  const config = await loadConfig(io.cwd, io.env)
  if (config.file === undefined) io.stderr.write(`note: no ${CONFIG_FILE_NAMES[0]} in ${io.cwd}: using the defaults (no schema or plugins, data in ./data)\n`)
  const storage = options.data === undefined ? config.storage : { type: 'fs' as const, path: resolve(io.cwd, options.data) }
  const where = 'type' in storage && storage.type === 'fs' ? displayPath(io.cwd, storage.path) : 'type' in storage ? String(storage.type) : 'a custom storage driver'
  const db = DB(config.schema, { storage, plugins: config.plugins }) as DatabaseFacade
  try {
    await db.ready()
  } catch (error) {
    await db.close().catch(() => undefined)
    if (ParqueDBError.isInstance(error, 'CONFLICT')) {
      const pid = error.details.pid
      throw new CliError(
        `the data directory ${where} is in use by ${typeof pid === 'number' ? `process ${pid}` : 'another process'} (a running \`parquedb serve\`?): stop it first, or ask the server over HTTP`,
        { cause: error },
      )
    }
    throw error
  }
  return { db, config: { ...config, storage }, where }
}

function displayPath(cwd: string, path: string): string {
  const inside = relative(cwd, path)
  return inside === '' ? '.' : !inside.startsWith('..') && !isAbsolute(inside) ? `./${inside}` : path
}
