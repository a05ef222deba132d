import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '../../..')
const BIN = join(ROOT, 'platform/bin/parquedb.mjs')

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

function start(cwd: string, args: readonly string[], input?: string) {
  const env = { ...process.env }
  delete env.PARQUEDB_TOKEN
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  child.stdin.end(input ?? '')
  const done = new Promise<Run>((resolveRun, reject) => {
    child.on('error', reject)
    child.on('close', (code) => resolveRun({ code, stdout, stderr }))
  })
  return { child, done, output: () => stdout }
}

const run = (cwd: string, args: readonly string[], input?: string) => start(cwd, args, input).done

/** A project directory: node_modules linked so the config can import 'parquedb', as a user's would. */
function project(config?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'parquedb-cli-'))
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir')
  if (config !== undefined) writeFileSync(join(dir, 'parquedb.config.ts'), config)
  dirs.push(dir)
  return dir
}
const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

const CONFIG = `import { defineConfig, defineView } from 'parquedb'

export default defineConfig({
  storage: { type: 'fs', path: './store' },
  schema: {
    Order: { total: 'decimal(10,2)!', status: 'string!' },
    PaidOrders: defineView({ $from: 'Order', $filter: { status: 'paid' } }),
  },
})
`

describe('parquedb CLI', { timeout: 60_000 }, () => {
  it('prints help for the CLI and each command; refuses unknown commands and bad arguments', async () => {
    const dir = project()
    const [help, queryHelp, unknown, badOption, missing, badLimit] = await Promise.all([
      run(dir, ['--help']),
      run(dir, ['query', '--help']),
      run(dir, ['bogus']),
      run(dir, ['views', '--wat']),
      run(dir, ['ingest', 'Order']),
      run(dir, ['query', 'Order', '--limit', 'x']),
    ])
    expect(help).toMatchObject({ code: 0, stderr: '' })
    for (const command of ['serve', 'views', 'refresh', 'query', 'ingest', 'add']) expect(help.stdout).toContain(`  ${command}`)
    expect(queryHelp.code).toBe(0)
    expect(queryHelp.stdout).toContain('Usage: parquedb query <collection|view> [filter-json]')
    expect(unknown.code).toBe(2)
    expect(unknown.stdout).toBe('')
    expect(unknown.stderr).toContain('unknown command "bogus"')
    expect(badOption.code).toBe(2)
    expect(badOption.stderr).toMatch(/parquedb views: Unknown option '--wat'/)
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('parquedb ingest: missing <file.ndjson|->')
    expect(badLimit.code).toBe(2)
    expect(badLimit.stderr).toContain('--limit must be a positive integer, got "x"')
  })

  describe('on a database', () => {
    let dir: string
    beforeAll(() => {
      dir = project(CONFIG)
    })

    it('ingests NDJSON, keeping the good rows of a batch with a bad one, and lists the rejected lines', async () => {
      const lines = [
        '{"total": 10.5, "status": "paid"}',
        '{"total": 3, "status": "open"}',
        'not json',
        '{"total": "abc", "status": "paid"}',
        '',
        '{"total": 7, "status": "paid"}',
        '{"total": 1, "status": "open"}',
      ]
      writeFileSync(join(dir, 'orders.ndjson'), `${lines.join('\n')}\n`)
      const result = await run(dir, ['ingest', 'Order', 'orders.ndjson', '--batch', '3'])
      expect(result.code).toBe(1)
      expect(result.stdout).toBe('inserted 4 rows into Order, rejected 2 rows\n')
      expect(result.stderr).toContain('rejected 2 lines:\n  line 3: not valid JSON')
      expect(result.stderr).toContain('  line 4: field "total": expected decimal(10,2), got "abc"')

      const fromStdin = await run(dir, ['ingest', 'Order', '-'], '{"total": 20, "status": "paid"}\n')
      expect(fromStdin).toMatchObject({ code: 0, stdout: 'inserted 1 row into Order, rejected 0 rows\n' })
    })

    it('queries a collection and a view, as a table and as JSON', async () => {
      // One process at a time: each opens the data directory, and the WAL admits one.
      const table = await run(dir, ['query', 'Order', '{"status":"paid"}', '--sort', '{"total":-1}'])
      const json = await run(dir, ['query', 'PaidOrders', '{"total":{"$gt":8}}', '--json', '--sort', 'total'])
      const badFilter = await run(dir, ['query', 'Order', '{bad'])
      const unknown = await run(dir, ['query', 'Nope'])
      expect(table.code).toBe(0)
      const [header, rule, ...rows] = table.stdout.trimEnd().split('\n')
      expect(header).toMatch(/^\$id +createdAt +updatedAt +total +status$/)
      expect(rule).toMatch(/^-+ +-+ +-+ +-+ +-+$/)
      expect(rows.slice(0, -1).map((line) => line.split(/ +/).slice(3))).toEqual([['20', 'paid'], ['10.5', 'paid'], ['7', 'paid']])
      expect(rows.at(-1)).toBe('(3 rows)')
      // Columns line up: every row is as wide as the rule up to the last column.
      for (const line of rows.slice(0, -1)) expect(line.indexOf('paid')).toBe(header!.indexOf('status'))

      expect(json.code).toBe(0)
      const parsed = JSON.parse(json.stdout) as { total: number; status: string }[]
      expect(parsed.map((row) => [row.total, row.status])).toEqual([[10.5, 'paid'], [20, 'paid']])
      expect(json.stderr).toContain('served from view')

      expect(badFilter.code).toBe(2)
      expect(badFilter.stderr).toContain('parquedb query: filter-json is not valid JSON')
      expect(unknown.code).toBe(1)
      expect(unknown.stderr).toContain('no collection or view named "Nope" (known: Order, RefreshHistory, PaidOrders)')
    })

    it('lists views and refreshes one in full', async () => {
      const views = await run(dir, ['views'])
      expect(views.code).toBe(0)
      expect(views.stdout).toMatch(/^view +state +mode +lag +last refresh\n/)
      expect(views.stdout).toMatch(/\nPaidOrders +fresh +streaming +0 +\d+s ago\n/)
      const json = await run(dir, ['views', '--json'])
      expect((JSON.parse(json.stdout) as { name: string; state: string }[]).map((view) => [view.name, view.state])).toEqual([['PaidOrders', 'fresh']])

      const refresh = await run(dir, ['refresh', 'PaidOrders', '--full'])
      expect(refresh.code).toBe(0)
      expect(refresh.stderr).toMatch(/refreshing PaidOrders \(full\)\.\.\.\nrefreshed PaidOrders \(full\) in \d+\.\ds\n/)
      expect(refresh.stdout).toMatch(/\nPaidOrders +fresh +streaming +0 +\d+s ago +full +5 +3\n$/)
      const missing = await run(dir, ['refresh', 'Nope'])
      expect(missing.code).toBe(1)
      expect(missing.stderr).toContain('parquedb refresh: no view named "Nope" (views: PaidOrders)')
    })

    it('serves until SIGTERM, closing cleanly; other commands meanwhile say a server holds the data', async () => {
      const server = start(dir, ['serve', '--port', '0'])
      const url = await new Promise<string>((resolveUrl, reject) => {
        const timer = setInterval(() => {
          const match = /at (http:\/\/\S+)/.exec(server.output())
          if (match) {
            clearInterval(timer)
            resolveUrl(match[1]!)
          }
        }, 50)
        void server.done.then((result) => {
          clearInterval(timer)
          reject(new Error(`serve exited: ${result.stderr}`))
        })
      })
      const response = await fetch(`${url}/views`)
      expect(response.status).toBe(200)
      const busy = await run(dir, ['views'])
      expect(busy.code).toBe(1)
      expect(busy.stderr).toMatch(/the data directory \.\/store is in use by process \d+ \(a running `parquedb serve`\?\): stop it first/)
      server.child.kill('SIGTERM')
      const result = await server.done
      expect(result.code).toBe(0)
      expect(result.stderr).toContain('SIGTERM: closing the server and flushing the database')
      expect((await run(dir, ['query', 'Order', '--json'])).stdout).toContain('"total": 20')
    })
  })

  describe('add', () => {
    it('creates the config, is idempotent, and edits an existing one in place', async () => {
      const dir = project()
      const created = await run(dir, ['add', 'tail'])
      expect(created.code).toBe(0)
      expect(created.stdout).toContain('created parquedb.config.ts: added tail() from parquedb/tail')
      expect(created.stdout).toContain('[[tail_consumers]]')
      const text = readFileSync(join(dir, 'parquedb.config.ts'), 'utf8')
      expect(text).toContain("import { tail } from 'parquedb/tail'")
      expect(text).toContain('plugins: [tail()],')

      const again = await run(dir, ['add', 'tail'])
      expect(again).toMatchObject({ code: 0, stdout: 'tail is already in parquedb.config.ts: nothing to change\n' })
      expect(readFileSync(join(dir, 'parquedb.config.ts'), 'utf8')).toBe(text)

      const aiSdk = await run(dir, ['add', 'ai-sdk'])
      expect(aiSdk.code).toBe(0)
      expect(aiSdk.stdout).toContain('wrapLanguageModel({ model: yourModel, middleware: createParqueDBMiddleware({ db }) })')
      expect(readFileSync(join(dir, 'parquedb.config.ts'), 'utf8')).toBe(
        text.replace("from 'parquedb/tail'\n", "from 'parquedb/tail'\nimport { aiSdk } from 'parquedb/ai-sdk'\n").replace('plugins: [tail()]', 'plugins: [tail(), aiSdk()]'),
      )

      // The config the command wrote loads: the integrations' views are there.
      const views = await run(dir, ['views', '--json'])
      expect(views.code).toBe(0)
      const names = (JSON.parse(views.stdout) as { name: string }[]).map((view) => view.name)
      expect(names).toEqual(expect.arrayContaining(['WorkerLogs', 'WorkerErrors', 'WorkerRequests', 'EndpointMetrics', 'DailyAIUsage', 'AIErrors', 'GeneratedObjects']))

      const unknown = await run(dir, ['add', 'kafka'])
      expect(unknown.code).toBe(2)
      expect(unknown.stderr).toContain('unknown integration "kafka" (expected one of tail, ai-sdk, evalite, otel)')
    })

    it('leaves a config it cannot edit alone and prints what to add', async () => {
      const dir = project()
      const config = "import config from './shared.js'\nexport default config\n"
      writeFileSync(join(dir, 'parquedb.config.mjs'), config)
      const result = await run(dir, ['add', 'evalite'])
      expect(result.code).toBe(1)
      expect(result.stderr).toContain("could not find the plugins list in parquedb.config.mjs; left it unchanged. To add evalite, add this import:\n\n  import { evalite } from 'parquedb/evalite'")
      expect(result.stdout).toContain('storage: () => createEvaliteAdapter(')
      expect(readFileSync(join(dir, 'parquedb.config.mjs'), 'utf8')).toBe(config)
    })
  })

  it('reports a config that throws, naming the file', async () => {
    const dir = project("throw new Error('boom')\n")
    const result = await run(dir, ['views'])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`parquedb views: SCHEMA: ${join(dir, 'parquedb.config.ts')}: boom`)
  })
})
