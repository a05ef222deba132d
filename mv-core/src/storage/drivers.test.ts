import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'
import { describeStorageDriver } from './driver-suite.ts'
import { fsStorage } from './fs.ts'
import { memoryStorage } from './memory.ts'

describeStorageDriver('memory', () => memoryStorage(), { etagChangesOnIdenticalPut: true })

const roots: string[] = []
afterAll(async () => {
  await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })))
})

describeStorageDriver(
  'fs',
  async () => {
    const root = await mkdtemp(join(tmpdir(), 'parquedb-fs-driver-'))
    roots.push(root)
    return fsStorage({ root })
  },
  { etagChangesOnIdenticalPut: true },
)
