import { memoryWal } from './memory.ts'
import { describeWal } from './wal-suite.ts'

// The memory WAL must also work inside Workers (no node:* imports).
describeWal('memory (workerd)', () => memoryWal())
