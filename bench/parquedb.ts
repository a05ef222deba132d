import { join } from 'node:path'
import type { Database } from '@parquedb/mv-core'
import { tailEventsDefinition } from '@parquedb/mv-core/testing'
import type { Unavailable } from './harness.ts'

/** Opens an fs-backed database holding the `TailEvents` collection under `dir`. */
export interface ParqueDB {
  open(dir: string): Promise<Database>
}

let loaded: Promise<ParqueDB | Unavailable> | undefined

/**
 * Loads the engine through its public entry points, or says why it cannot. The import happens
 * at run time so that a missing or broken engine skips our side instead of stopping the runner
 * (and the peers still get measured).
 *
 * @example
 * const engine = await loadParqueDB()
 * if (!isUnavailable(engine)) { const db = await engine.open(dir); await db.close() }
 */
export function loadParqueDB(): Promise<ParqueDB | Unavailable> {
  loaded ??= load()
  return loaded
}

async function load(): Promise<ParqueDB | Unavailable> {
  try {
    const [{ Database }, { fsStorage, fsWal }] = await Promise.all([import('@parquedb/mv-core'), import('@parquedb/mv-core/fs')])
    return {
      open: (dir) =>
        Database.open({
          storage: fsStorage({ root: dir }),
          wal: fsWal({ root: join(dir, '_wal') }),
          schema: { TailEvents: tailEventsDefinition },
        }),
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    return { unavailable: `engine not available: ${message.split('\n')[0] ?? message}` }
  }
}
