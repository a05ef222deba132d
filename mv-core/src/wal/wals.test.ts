import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'
import { fsWal } from './fs.ts'
import { memoryWal } from './memory.ts'
import { describeWal } from './wal-suite.ts'

describeWal('memory', () => memoryWal())

const roots: string[] = []
afterAll(async () => {
  await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })))
})

describeWal('fs', async () => {
  const root = await mkdtemp(join(tmpdir(), 'parquedb-wal-'))
  roots.push(root)
  return fsWal({ root })
})
