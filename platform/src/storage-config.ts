import { memoryStorage, memoryWal, ParqueDBError, r2Storage, type StorageDriver, type WalFactory } from '@parquedb/mv-core'

/** Where a database keeps its data: a directory, memory (tests), an R2 bucket binding, or any driver. */
export type StorageConfig =
  | { readonly type: 'fs'; readonly path: string }
  | { readonly type: 'memory' }
  | { readonly type: 'r2'; readonly bucket: Parameters<typeof r2Storage>[0]['bucket'] }
  | StorageDriver

/** A storage config made real: the driver, the write-ahead log, and what to release on close. */
export interface ResolvedStorage {
  readonly storage: StorageDriver
  readonly wal: WalFactory
  /** Where the data is, for messages ('./data', 'memory', 'R2'). */
  readonly where: string
  /** Parquet encoding off the main thread where the runtime has one (Node). */
  readonly encoder?: import('@parquedb/mv-core').ParquetEncoder & { close?(): Promise<void> }
}

/**
 * Turns a storage config into a driver and a WAL. The fs driver (and its worker encoder) is
 * imported only when asked for, so a Workers bundle never pulls in `node:fs`. On R2 the
 * write-ahead log is in memory here; the Workers deploy keeps it in a Durable Object.
 *
 * @example
 * const { storage, wal } = await resolveStorage({ type: 'fs', path: './data' })
 */
export async function resolveStorage(config: StorageConfig | undefined): Promise<ResolvedStorage> {
  if (config === undefined) throw new ParqueDBError('SCHEMA', "DB: options.storage is required, e.g. { type: 'fs', path: './data' } or { type: 'memory' }")
  if (isDriver(config)) return { storage: config, wal: memoryWal(), where: 'a custom storage driver' }
  switch (config.type) {
    case 'memory':
      return { storage: memoryStorage(), wal: memoryWal(), where: 'memory' }
    case 'fs': {
      if (typeof config.path !== 'string' || config.path === '') throw new ParqueDBError('SCHEMA', "storage { type: 'fs' } needs a path, e.g. './data'")
      const fs = await import('@parquedb/mv-core/fs')
      const { join } = await import('node:path')
      return { storage: fs.fsStorage({ root: config.path }), wal: fs.fsWal({ root: join(config.path, '_wal') }), where: config.path, encoder: fs.workerEncoder() }
    }
    case 'r2':
      if (config.bucket === undefined || config.bucket === null) throw new ParqueDBError('SCHEMA', "storage { type: 'r2' } needs bucket: the R2 binding (env.PARQUEDB)")
      return { storage: r2Storage({ bucket: config.bucket }), wal: memoryWal(), where: 'R2' }
    default:
      throw new ParqueDBError('SCHEMA', `storage: unknown type ${JSON.stringify((config as { type?: unknown }).type)} (expected 'fs', 'memory' or 'r2')`)
  }
}

function isDriver(config: StorageConfig): config is StorageDriver {
  return typeof (config as StorageDriver).get === 'function' && typeof (config as StorageDriver).put === 'function'
}
