/**
 * A write-ahead log: opaque records, appended durably, replayed in order after a restart.
 * The engine serializes its own records; a log only frames, persists and returns them.
 */
export interface WriteAheadLog {
  /** Resolves once the record is durable. Concurrent appends may share one sync (group commit). */
  append(record: Uint8Array): Promise<void>
  /** Every durable record, oldest first. A torn tail (crash mid-append) is dropped, never returned. */
  replay(): Promise<Uint8Array[]>
  /**
   * Starts a new segment and returns a mark. After the records before the mark are safely
   * elsewhere (flushed to Parquet and committed), `discardBefore(mark)` drops them.
   */
  rotate(): Promise<number>
  discardBefore(mark: number): Promise<void>
  close(): Promise<void>
}

/** Opens the log of one table, e.g. `wal('TailEvents')`. */
export type WalFactory = (table: string) => Promise<WriteAheadLog>
