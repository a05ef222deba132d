/** What a stored object looks like from outside. `etag` changes whenever the content is replaced. */
export interface ObjectInfo {
  key: string
  size: number
  etag: string
  modified: Date
}

/** Preconditions for a put; a put whose precondition fails throws ParqueDBError code PRECONDITION_FAILED. */
export interface PutOptions {
  /** '*' = create-only: fail if the key exists. Race-free, including between processes. */
  ifNoneMatch?: '*'
  /** Replace only if the current etag equals this one. */
  ifMatch?: string
}

/**
 * The storage contract every backend implements (memory, fs, R2). Keys are '/'-separated relative
 * paths, validated by `validateKey`. Writes are atomic: a reader sees the old object or the new one.
 */
export interface StorageDriver {
  readonly name: string
  /** Whole object, or undefined when absent. */
  get(key: string): Promise<Uint8Array | undefined>
  /** `length` bytes from `offset`; throws NOT_FOUND when absent. Feeds hyparquet's AsyncBuffer. */
  getRange(key: string, offset: number, length: number): Promise<Uint8Array>
  head(key: string): Promise<ObjectInfo | undefined>
  put(key: string, data: Uint8Array | string, options?: PutOptions): Promise<ObjectInfo>
  /** Every object whose key starts with `prefix`, sorted by key. */
  list(prefix: string): Promise<ObjectInfo[]>
  /** Idempotent: deleting an absent key is not an error. */
  delete(key: string): Promise<void>
}
