import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const live = new Set<string>()

/**
 * A fresh directory under the OS temp dir, removed by `removeWorkDir` or, at the latest, by
 * `removeAllWorkDirs` when the run ends or is interrupted.
 *
 * @example
 * const dir = makeWorkDir('ingest')
 * try { ... } finally { removeWorkDir(dir) }
 */
export function makeWorkDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `parquedb-bench-${label}-`))
  live.add(dir)
  return dir
}

export function removeWorkDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true })
  live.delete(dir)
}

export function removeAllWorkDirs(): void {
  for (const dir of live) removeWorkDir(dir)
}
