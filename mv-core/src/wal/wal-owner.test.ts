import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { fsWal } from './fs.ts'

const childScript = join(import.meta.dirname, 'wal-owner.child.ts')
const dirs: string[] = []
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
})

describe('one process per WAL directory', () => {
  it('refuses a second live process, and takes over from a dead one', async () => {
    const root = await mkdtemp(join(tmpdir(), 'parquedb-wal-owner-'))
    dirs.push(root)
    const child = spawn(process.execPath, ['--import', 'tsx', childScript, root, 'Events'], { stdio: ['ignore', 'pipe', 'pipe'] })
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve())
      child.on('exit', (code) => reject(new Error(`child exited with ${code}`)))
    })
    await expect(fsWal({ root })('Events')).rejects.toThrow(new RegExp(`in use by process ${child.pid}`))
    const exited = new Promise((resolve) => child.on('exit', resolve))
    child.kill('SIGKILL')
    await exited
    const log = await fsWal({ root })('Events') // the owner died: its claim is taken over
    await log.append(new TextEncoder().encode('x'))
    await log.close()
    const again = await fsWal({ root })('Events') // released on close
    expect(await again.replay()).toHaveLength(1)
    await again.close()
  }, 30_000)
})
