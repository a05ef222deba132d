/** A stream the CLI writes text to; `isTTY` decides whether progress redraws in place. */
export interface TextSink {
  write(text: string): unknown
  readonly isTTY?: boolean
  readonly columns?: number
}

/** What a command runs against: passed in, so tests and other hosts can supply their own. */
export interface CliIo {
  readonly cwd: string
  readonly env: Readonly<Record<string, string | undefined>>
  readonly stdin: AsyncIterable<Uint8Array | string>
  readonly stdout: TextSink
  readonly stderr: TextSink
  /** Resolves on the first SIGINT or SIGTERM (long-running commands stop on it). */
  readonly stopSignal: () => Promise<string>
}

/** One `parquedb <name>` command. `run` resolves to the exit code. */
export interface Command {
  readonly name: string
  /** One line for the command list. */
  readonly summary: string
  /** The full `parquedb <name> --help` text. */
  readonly help: string
  run(args: readonly string[], io: CliIo): Promise<number>
}
