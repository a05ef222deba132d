import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from './load-config.ts'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function directory(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'parquedb-config-'))
  dirs.push(dir)
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  return dir
}

describe('loadConfig', () => {
  it('fills the defaults when there is no config file', async () => {
    const dir = directory()
    expect(await loadConfig(dir, {})).toEqual({ file: undefined, storage: { type: 'fs', path: join(dir, 'data') }, plugins: [], schema: {}, tokens: [], server: {} })
  })

  it('loads the default export, resolving fs paths against the directory and adding PARQUEDB_TOKEN as an admin token', async () => {
    const token = { token: 'a-read-token-of-16+', scopes: ['read'] }
    const dir = directory({
      'parquedb.config.mjs': `export default { storage: { type: 'fs', path: 'store' }, schema: { Order: { total: 'double!' } }, auth: { tokens: [${JSON.stringify(token)}] }, server: { port: 9000 } }\n`,
    })
    const config = await loadConfig(dir, { PARQUEDB_TOKEN: 'the-admin-token-here' })
    expect(config).toEqual({
      file: join(dir, 'parquedb.config.mjs'),
      storage: { type: 'fs', path: join(dir, 'store') },
      plugins: [],
      schema: { Order: { total: 'double!' } },
      tokens: [token, { token: 'the-admin-token-here', scopes: ['admin'], name: 'PARQUEDB_TOKEN' }],
      server: { port: 9000 },
    })
    await expect(loadConfig(dir, { PARQUEDB_TOKEN: 'short' })).rejects.toThrow(/PARQUEDB_TOKEN: a token must be at least 16 characters/)
  })

  it('prefers parquedb.config.ts, and names the file when the config throws or is not valid', async () => {
    const throwing = directory({ 'parquedb.config.ts': "throw new Error('no such env var')\n", 'parquedb.config.mjs': 'export default {}\n' })
    await expect(loadConfig(throwing, {})).rejects.toThrow(`${join(throwing, 'parquedb.config.ts')}: no such env var`)
    const invalid = directory({ 'parquedb.config.js': 'export default { port: 80 }\n', 'package.json': '{ "type": "module" }' })
    await expect(loadConfig(invalid, {})).rejects.toThrow(`${join(invalid, 'parquedb.config.js')}: parquedb config: unknown key "port"`)
    const empty = directory({ 'parquedb.config.mjs': 'export const config = {}\n' })
    await expect(loadConfig(empty, {})).rejects.toThrow(/parquedb\.config\.mjs: no default export/)
  })
})
