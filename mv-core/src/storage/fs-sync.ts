import { mkdir, open, type FileHandle } from 'node:fs/promises'
import { dirname } from 'node:path'
import { errorCode } from './fs-errors.ts'

/**
 * fsyncs a directory so entries created, renamed or removed in it survive a power loss.
 *
 * @example
 * await rename(temp, file)
 * await syncDirectory(dirname(file))
 */
export async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined
  try {
    handle = await open(dir, 'r')
    await handle.sync()
  } catch (error) {
    // Some platforms cannot open or fsync a directory; renames there are still atomic.
    if (!['EISDIR', 'EPERM', 'EINVAL', 'ENOTSUP', 'EACCES'].includes(errorCode(error) ?? '')) throw error
  } finally {
    await handle?.close()
  }
}

/**
 * `mkdir -p` that also makes the new directories durable: each one created is fsynced into its
 * parent, so a file later published inside cannot vanish with its directory after a crash.
 *
 * @example
 * await makeDirectoryDurable('/data/users/_log')
 */
export async function makeDirectoryDurable(dir: string): Promise<void> {
  const first = await mkdir(dir, { recursive: true })
  if (first === undefined) return
  for (let created = dir; ; created = dirname(created)) {
    await syncDirectory(dirname(created))
    if (created === first || dirname(created) === created) break
  }
}
