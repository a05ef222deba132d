/**
 * Node-only entry point (`@parquedb/mv-core/fs`): the local-filesystem storage driver and
 * write-ahead log. Kept out of the main entry so Workers bundles never pull in `node:*` modules.
 *
 * @example
 * import { fsStorage, fsWal } from '@parquedb/mv-core/fs'
 * const storage = fsStorage({ root: './data' })
 * const wal = fsWal({ root: './data/_wal' })
 */
export { fsStorage, type FsStorageOptions } from './storage/fs.ts'
export { fsWal, type FsWalFactory, type FsWalOptions, type FsWalStats, type FsWriteAheadLog } from './wal/fs.ts'
export { workerEncoder, type WorkerEncoder, type WorkerEncoderOptions } from './parquet/worker-encoder.ts'
