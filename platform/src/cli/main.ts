import { ParqueDBError } from '@parquedb/mv-core'
import { addCommand } from './add-command.ts'
import { CliError } from './cli-error.ts'
import { ingestCommand } from './ingest-command.ts'
import { queryCommand } from './query-command.ts'
import { refreshCommand } from './refresh-command.ts'
import { serveCommand } from './serve-command.ts'
import type { CliIo, Command } from './types.ts'
import { viewsCommand } from './views-command.ts'

export const COMMANDS: readonly Command[] = [serveCommand, viewsCommand, refreshCommand, queryCommand, ingestCommand, addCommand]

export const HELP = `Usage: parquedb <command> [options]

Commands:
${COMMANDS.map((command) => `  ${command.name.padEnd(10)}${command.summary}`).join('\n')}

Every command reads parquedb.config.ts (or .mts, .js, .mjs) from the working directory; without
one, the data is in ./data and there is no schema. PARQUEDB_TOKEN adds an admin token.

Run \`parquedb <command> --help\` for a command's options.
`

/**
 * Runs `parquedb <command> ...args` and resolves to the exit code: results on stdout, errors
 * (one line each) and progress on stderr; 2 for bad usage, 1 for other failures.
 *
 * @example
 * process.exitCode = await runCli(process.argv.slice(2), nodeIo())
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? COMMANDS.find((command) => command.name === args[0]) : undefined
    io.stdout.write(topic?.help ?? HELP)
    return 0
  }
  const command = COMMANDS.find((candidate) => candidate.name === name)
  if (command === undefined) {
    io.stderr.write(`parquedb: unknown command ${JSON.stringify(name)} (commands: ${COMMANDS.map((candidate) => candidate.name).join(', ')}; see parquedb --help)\n`)
    return 2
  }
  try {
    return await command.run(args, io)
  } catch (error) {
    io.stderr.write(`parquedb ${command.name}: ${describeError(error)}\n`)
    if (error instanceof CliError && error.helpFor !== undefined) io.stderr.write(`see parquedb ${error.helpFor} --help\n`)
    return error instanceof CliError ? error.exitCode : 1
  }
}

function describeError(error: unknown): string {
  if (error instanceof CliError) return error.message
  if (ParqueDBError.isInstance(error)) return `${error.code}: ${error.message.replace(/^\[parquedb\] /, '')}`
  // Anything else is a bug or an environment failure: the stack says where.
  return error instanceof Error ? (error.stack ?? error.message) : String(error)
}

/** The CliIo of this Node process. */
export function nodeIo(): CliIo {
  let stopped: Promise<string> | undefined
  return {
    cwd: process.cwd(),
    env: process.env,
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    stopSignal: () =>
      (stopped ??= new Promise((resolve) => {
        const stop = (signal: string) => {
          // A second signal while closing: leave at once.
          process.once('SIGINT', () => process.exit(130))
          process.once('SIGTERM', () => process.exit(143))
          resolve(signal)
        }
        process.once('SIGINT', () => stop('SIGINT'))
        process.once('SIGTERM', () => stop('SIGTERM'))
      })),
  }
}
