import type { Table } from './table.ts'

export interface VacuumOptions {
  /** Keep files needed to read any version newer than this (default 7 days). */
  retentionMs?: number
  /** The clock, for tests. */
  now?: number
}

export interface VacuumResult {
  deleted: string[]
}

/**
 * Deletes data and before-image files that no version younger than the retention needs: files
 * dropped from the table by a commit older than the retention, and files never committed
 * (a flush that crashed before publishing) older than the retention. Time travel to versions
 * older than the retention then fails with EXPIRED.
 *
 * @example
 * await vacuumTable(table, { retentionMs: 7 * 86_400_000 })
 */
export async function vacuumTable(table: Table, options: VacuumOptions = {}): Promise<VacuumResult> {
  const now = options.now ?? Date.now()
  const cutoff = now - (options.retentionMs ?? 7 * 86_400_000)
  const latest = await table.refresh()
  const keep = new Set(latest.files.keys())
  // Walk back through the commits young enough that their versions must stay readable.
  for (let version = latest.version; version > 0; version--) {
    const commit = await table.log.readCommit(version)
    // Versions before this commit stopped being current before the cutoff: nothing to keep.
    if (!commit || commit.timestamp < cutoff) break
    for (const path of commit.remove) keep.add(path)
    for (const file of commit.add) keep.add(file.path)
    if (commit.deletes) keep.add(commit.deletes.path)
  }
  const { storage, prefix } = table.internals
  const deleted: string[] = []
  for (const folder of ['data/', '_changes/']) {
    for (const object of await storage.list(prefix + folder)) {
      const path = object.key.slice(prefix.length)
      if (keep.has(path) || object.modified.getTime() >= cutoff) continue
      await storage.delete(object.key)
      table.reader.forget(path)
      deleted.push(path)
    }
  }
  return { deleted }
}
