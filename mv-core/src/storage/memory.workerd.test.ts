import { describeStorageDriver } from './driver-suite.ts'
import { memoryStorage } from './memory.ts'

// The memory driver must also work inside Workers (no node:* imports).
describeStorageDriver('memory (workerd)', () => memoryStorage(), { etagChangesOnIdenticalPut: true })
