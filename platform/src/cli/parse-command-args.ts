import { parseArgs, type ParseArgsConfig } from 'node:util'
import { usageError } from './cli-error.ts'

type Options = NonNullable<ParseArgsConfig['options']>

/** What a command's arguments parse to; `help` is set when `--help` or `-h` was given. */
export interface ParsedCommandArgs {
  readonly values: Readonly<Record<string, string | boolean | undefined>>
  readonly positionals: readonly string[]
  readonly help: boolean
}

/**
 * node:util parseArgs in strict mode with `--help`/`-h` added, and its errors turned into usage
 * errors naming the command. `positionals` names them in order, `<required>` or `[optional]`.
 *
 * @example
 * const { values, positionals } = parseCommandArgs('query', args, { limit: { type: 'string' } }, ['<collection|view>', '[filter-json]'])
 */
export function parseCommandArgs(command: string, args: readonly string[], options: Options, positionals: readonly string[]): ParsedCommandArgs {
  let parsed: { values: Record<string, unknown>; positionals: string[] }
  try {
    parsed = parseArgs({ args: [...args], options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true })
  } catch (error) {
    // parseArgs messages end with advice for script authors ("To specify a positional argument..."): keep the first sentence.
    const message = error instanceof Error ? error.message.split(/\. (?=To )/)[0]!.replace(/\.$/, '') : String(error)
    throw usageError(command, message)
  }
  const help = parsed.values.help === true
  if (!help) {
    const missing = positionals.slice(parsed.positionals.length).find((name) => name.startsWith('<'))
    if (missing !== undefined) throw usageError(command, `missing ${missing}`)
    if (parsed.positionals.length > positionals.length) throw usageError(command, `unexpected argument ${JSON.stringify(parsed.positionals[positionals.length])}`)
  }
  return { values: parsed.values as ParsedCommandArgs['values'], positionals: parsed.positionals, help }
}

/** A `--name N` option as a positive integer (or the default when absent). */
export function positiveInteger(command: string, name: string, value: string | boolean | undefined, fallback: number): number {
  if (value === undefined) return fallback
  const number = Number(value)
  if (typeof value !== 'string' || !/^\d+$/.test(value) || !Number.isSafeInteger(number) || number <= 0) throw usageError(command, `--${name} must be a positive integer, got ${JSON.stringify(value)}`)
  return number
}

/** A JSON argument, parsed; bad JSON is a usage error naming the argument. */
export function jsonArgument(command: string, name: string, text: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    throw usageError(command, `${name} is not valid JSON (${error instanceof Error ? error.message : String(error)}): ${text}`)
  }
}
