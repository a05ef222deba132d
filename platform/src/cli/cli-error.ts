/**
 * A failure the CLI reports as one line on stderr (`parquedb <command>: <message>`), with its
 * exit code: 2 for bad usage (unknown command, bad option, bad JSON argument), 1 otherwise.
 *
 * @example
 * throw new CliError('filter-json is not valid JSON: Unexpected token', { exitCode: 2, helpFor: 'query' })
 */
export class CliError extends Error {
  readonly exitCode: number
  /** The command whose `--help` the message points to. */
  readonly helpFor: string | undefined

  constructor(message: string, options: { exitCode?: number; helpFor?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'CliError'
    this.exitCode = options.exitCode ?? 1
    this.helpFor = options.helpFor
  }
}

/** A usage error: exit code 2, pointing to the command's help. */
export function usageError(command: string, message: string): CliError {
  return new CliError(message, { exitCode: 2, helpFor: command })
}
