import { ParqueDBError } from '../errors.ts'
import type { Commit, Snapshot } from './commit.ts'
import type { CommitLog } from './commit-log.ts'

/** How many times a commit is rebuilt on the newest snapshot before giving up. */
const MAX_ATTEMPTS = 50

export type CommitBody = Omit<Commit, 'version' | 'timestamp'>

/**
 * Publishes the commit `build` makes for the newest snapshot; when another writer won that
 * version, rebuilds it on the new snapshot and tries again, with jittered backoff. `build` may
 * return undefined to publish nothing.
 *
 * @example
 * await publishCommit(table.log, () => table.refresh(), table.label, (base) => ({ ...body, remove: [...base.files.keys()] }))
 */
export async function publishCommit(
  log: CommitLog,
  latest: () => Promise<Snapshot>,
  label: string,
  build: (base: Snapshot) => CommitBody | undefined | Promise<CommitBody | undefined>,
): Promise<Snapshot | undefined> {
  for (let attempt = 1; ; attempt++) {
    const base = await latest()
    const body = await build(base)
    if (!body) return undefined
    const published = await log.publish(base, body)
    if (published) return published
    if (attempt >= MAX_ATTEMPTS) {
      throw new ParqueDBError('CONFLICT', `${label}: could not publish a commit after ${attempt} attempts`, { attempts: attempt })
    }
    await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(100, 2 ** attempt)))
  }
}
