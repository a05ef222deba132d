#!/usr/bin/env node
// The package ships TypeScript sources: tsx loads them and a parquedb.config.ts, which in a
// project without "type": "module" is compiled as CommonJS (hence both hooks).
import { register as registerCommonJs } from 'tsx/cjs/api'
import { register } from 'tsx/esm/api'

register()
registerCommonJs()
const { nodeIo, runCli } = await import('../src/cli/main.ts')
const code = await runCli(process.argv.slice(2), nodeIo())
// Exit explicitly: a stray handle (a timer, a worker) must not keep a finished command alive.
process.exit(code)
