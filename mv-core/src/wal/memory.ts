import { ParqueDBError } from '../errors.ts'
import { validateMark, validateTableName } from './table-name.ts'
import type { WriteAheadLog } from './types.ts'

/** A WriteAheadLog from `memoryWal`. */
export interface MemoryWriteAheadLog extends WriteAheadLog {
  readonly name: 'memory'
}

/** A WalFactory whose logs are MemoryWriteAheadLogs. */
export type MemoryWalFactory = (table: string) => Promise<MemoryWriteAheadLog>

interface Segment {
  mark: number
  records: Uint8Array[]
}

interface TableLog {
  segments: Segment[]
  /** The handle currently open on this table, if any. */
  handle?: { closed: boolean }
}

/**
 * A WalFactory keeping each table's log in memory. Logs outlive their handles: closing a log and
 * opening the table again from the same factory replays what was appended, which is how tests
 * simulate a restart. Opening a table that is still open closes the older handle (it then
 * throws CLOSED), like a process that died and restarted.
 *
 * @example
 * const wal = memoryWal()
 * const log = await wal('TailEvents')
 * await log.append(new TextEncoder().encode('{"t":"insert"}'))
 * await log.close()
 * await (await wal('TailEvents')).replay() // [Uint8Array [...]]
 */
export function memoryWal(): MemoryWalFactory {
  const tables = new Map<string, TableLog>()

  return async (table: string): Promise<MemoryWriteAheadLog> => {
    validateTableName(table)
    let state = tables.get(table)
    if (state === undefined) {
      state = { segments: [{ mark: 1, records: [] }] }
      tables.set(table, state)
    }
    if (state.handle !== undefined) state.handle.closed = true
    const handle = { closed: false }
    state.handle = handle
    const log = state

    const current = (): Segment => {
      const segment = log.segments.at(-1)
      if (segment === undefined) throw new ParqueDBError('CORRUPT', `WAL ${JSON.stringify(table)} has no segment`, { table })
      return segment
    }
    const ensureOpen = (operation: string): void => {
      if (handle.closed) throw new ParqueDBError('CLOSED', `WAL ${JSON.stringify(table)} is closed (${operation})`, { table })
    }

    return {
      name: 'memory',

      async append(record: Uint8Array): Promise<void> {
        ensureOpen('append')
        if (!(record instanceof Uint8Array)) throw new TypeError(`WAL ${JSON.stringify(table)}: a record must be a Uint8Array`)
        current().records.push(record.slice())
      },

      async replay(): Promise<Uint8Array[]> {
        ensureOpen('replay')
        return log.segments.flatMap((segment) => segment.records.map((record) => record.slice()))
      },

      async rotate(): Promise<number> {
        ensureOpen('rotate')
        const mark = current().mark + 1
        log.segments.push({ mark, records: [] })
        return mark
      },

      async discardBefore(mark: number): Promise<void> {
        ensureOpen('discardBefore')
        validateMark(table, mark)
        const newest = current()
        log.segments = log.segments.filter((segment) => segment === newest || segment.mark >= mark)
      },

      async close(): Promise<void> {
        handle.closed = true
      },
    }
  }
}
