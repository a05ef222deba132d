import { open, readFile, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { ParqueDBError } from '../errors.ts'
import { errorCode } from '../storage/fs-errors.ts'

const OWNER_FILE = 'owner.pid'

/**
 * Claims a table's WAL directory for this process, so two processes cannot append to (and
 * replay, and discard) the same log: a file holding the owner's pid, created exclusively. A
 * file left by a process that died (a crash) is taken over. Returns the release function.
 *
 * @example
 * const release = await claimWalDirectory(dir, 'TailEvents')
 * await release() // on close
 */
export async function claimWalDirectory(dir: string, table: string): Promise<() => Promise<void>> {
  const path = join(dir, OWNER_FILE)
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const handle = await open(path, 'wx')
      await handle.writeFile(String(process.pid))
      await handle.close()
      return () => release(path)
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw new ParqueDBError('STORAGE', `WAL ${JSON.stringify(table)}: cannot claim its directory`, { table }, { cause: error })
    }
    const owner = Number((await readFile(path, 'utf8').catch(() => '')).trim())
    // This process already owns it: reopening in-process closes the earlier handle first.
    if (owner === process.pid) return () => release(path)
    if (Number.isSafeInteger(owner) && owner > 0 && isAlive(owner)) {
      throw new ParqueDBError(
        'CONFLICT',
        `WAL ${JSON.stringify(table)} is in use by process ${owner}: each writing process needs its own writerId and WAL root`,
        { table, pid: owner },
      )
    }
    await unlink(path).catch(() => undefined) // its owner is gone
  }
  throw new ParqueDBError('CONFLICT', `WAL ${JSON.stringify(table)}: could not claim its directory`, { table })
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return errorCode(error) === 'EPERM' // it exists, it is just not ours to signal
  }
}

async function release(path: string): Promise<void> {
  const owner = Number((await readFile(path, 'utf8').catch(() => '')).trim())
  if (owner === process.pid) await unlink(path).catch(() => undefined)
}
