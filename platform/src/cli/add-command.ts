import { readFile, writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { CONFIG_FILE_NAMES, findConfigFile } from '../node/load-config.ts'
import { addPluginToConfig } from './add-plugin-to-config.ts'
import { usageError } from './cli-error.ts'
import { findIntegration, INTEGRATIONS } from './integrations.ts'
import { parseCommandArgs } from './parse-command-args.ts'
import type { Command } from './types.ts'

/** `parquedb add <integration>`: puts an integration's plugin in the config and says what is next. */
export const addCommand: Command = {
  name: 'add',
  summary: `add an integration to parquedb.config.ts (${INTEGRATIONS.map((integration) => integration.name).join(', ')})`,
  help: `Usage: parquedb add <integration>

Adds the integration's plugin to parquedb.config.ts (creating the file when there is none),
then prints what to set up on the other side. Adding one twice changes nothing.

Integrations:
${INTEGRATIONS.map((integration) => `  ${integration.name.padEnd(10)}${integration.factory}() from ${integration.specifier}`).join('\n')}
`,
  async run(args, io) {
    const { positionals, help } = parseCommandArgs('add', args, {}, ['<integration>'])
    if (help) return io.stdout.write(addCommand.help), 0
    const name = positionals[0]!
    const integration = findIntegration(name)
    if (integration === undefined) throw usageError('add', `unknown integration ${JSON.stringify(name)} (expected one of ${INTEGRATIONS.map((known) => known.name).join(', ')})`)
    const existing = findConfigFile(io.cwd)
    const file = existing ?? join(io.cwd, CONFIG_FILE_NAMES[0])
    const edit = addPluginToConfig(existing === undefined ? undefined : await readFile(existing, 'utf8'), integration)
    const shown = basename(file)
    switch (edit.kind) {
      case 'present':
        io.stdout.write(`${integration.name} is already in ${shown}: nothing to change\n`)
        return 0
      case 'manual':
        io.stderr.write(`could not find the plugins list in ${shown}; left it unchanged. To add ${integration.name}, ${edit.instructions}`)
        io.stdout.write(`\n${integration.nextSteps}`)
        return 1
      case 'created':
      case 'edited':
        await writeFile(file, edit.text)
        io.stdout.write(`${edit.kind === 'created' ? 'created' : 'updated'} ${shown}: added ${integration.factory}() from ${integration.specifier}\n\n${integration.nextSteps}`)
        return 0
    }
  },
}
