import type { RunningServer } from '../node/serve.ts'
import { openDatabase } from './open-database.ts'
import { parseCommandArgs, positiveInteger } from './parse-command-args.ts'
import { usageError } from './cli-error.ts'
import type { Command } from './types.ts'


/** `parquedb serve`: the HTTP API over the configured database, until SIGINT or SIGTERM. */
export const serveCommand: Command = {
  name: 'serve',
  summary: 'serve the HTTP API over the configured database',
  help: `Usage: parquedb serve [--port N] [--host H] [--data DIR]

Opens the database of parquedb.config.ts (schema, plugins, storage) and serves its HTTP API
until Ctrl-C (SIGINT) or SIGTERM, which close the server and flush the database: nothing
acknowledged is lost. Bearer tokens come from the config's auth.tokens and PARQUEDB_TOKEN
(an admin token).

Options:
  --port N        the port (default: the config's server.port, else the server's default)
  --host H        the interface to listen on (default: the config's server.host)
  --data DIR      the data directory (default: the config's storage, else ./data)
`,
  async run(args, io) {
    const { values, help } = parseCommandArgs('serve', args, { port: { type: 'string' }, host: { type: 'string' }, data: { type: 'string' } }, [])
    if (help) return io.stdout.write(serveCommand.help), 0
    let port: number | undefined
    if (values.port !== undefined) {
      port = values.port === '0' ? 0 : positiveInteger('serve', 'port', values.port, 0)
      if (port > 65535) throw usageError('serve', `--port must be at most 65535, got ${port}`)
    }
    // Imported here: the other commands need not load the HTTP stack.
    const { serve } = await import('../node/serve.ts')
    const { db, config, where } = await openDatabase(io, { data: values.data as string | undefined })
    const chosenPort = port ?? config.server.port
    const host = (values.host as string | undefined) ?? config.server.host
    let server: RunningServer
    try {
      server = await serve(db, {
        ...(chosenPort === undefined ? {} : { port: chosenPort }),
        ...(host === undefined ? {} : { host }),
        tokens: config.tokens,
        ...(config.server.maxBodyBytes === undefined ? {} : { maxBodyBytes: config.server.maxBodyBytes }),
        env: io.env,
        log: (line) => io.stderr.write(`${line}\n`),
      })
    } catch (error) {
      await db.close()
      throw error
    }
    io.stdout.write(`parquedb serving ${where} at ${server.url}\n`)
    const signal = await io.stopSignal()
    io.stderr.write(`${signal}: closing the server and flushing the database\n`)
    await server.close()
    await db.close()
    io.stderr.write('closed cleanly\n')
    return 0
  },
}
