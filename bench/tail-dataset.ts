import { isAbsolute, join } from 'node:path'
import { tailEventBatches, type TailEventRow } from '@parquedb/mv-core/testing'
import type { Collection, Database } from '@parquedb/mv-core'
import type { ParqueDB } from './parquedb.ts'
import { makeWorkDir, removeWorkDir } from './work-dir.ts'

export const DATASET_SEED = 20260101
const INGEST_BATCH = 10_000

/** A ParqueDB database holding `rows` generated tail events, all flushed to Parquet. */
export interface TailDataset {
  readonly db: Database
  readonly tail: Collection
  /** Absolute paths of the live Parquet data files, for the peer to read. */
  readonly files: readonly string[]
  close(): Promise<void>
}

/**
 * Ingests and flushes the dataset the read benchmarks share (untimed). `observe` sees every
 * generated batch, for checksums the readers are then held to.
 */
export async function buildTailDataset(engine: ParqueDB, rows: number, observe?: (batch: readonly TailEventRow[]) => void): Promise<TailDataset> {
  const dir = makeWorkDir('dataset')
  let db: Database | undefined
  try {
    db = await engine.open(dir)
    const tail = db.collection('TailEvents')
    for (const batch of tailEventBatches({ total: rows, batchSize: INGEST_BATCH, seed: DATASET_SEED })) {
      observe?.(batch)
      await tail.bulkCreate(batch)
    }
    await db.flush()
    const files = (await tail.files()).map((file) => (isAbsolute(file) ? file : join(dir, file)))
    if (files.length === 0) throw new Error('the dataset has no Parquet files after flush')
    const opened = db
    return {
      db: opened,
      tail,
      files,
      close: async () => {
        await opened.close()
        removeWorkDir(dir)
      },
    }
  } catch (error) {
    await db?.close().catch(() => undefined)
    removeWorkDir(dir)
    throw error
  }
}
