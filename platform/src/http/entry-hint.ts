import { ParqueDBError } from '@parquedb/mv-core'
import type { DatabaseFacade } from '../db.ts'

/**
 * A clearer 404 when a name is asked for under the wrong route: a view under /collections, or a
 * collection under /views. Other errors come back unchanged.
 */
export async function withEntryHint(db: DatabaseFacade, name: string, error: unknown): Promise<unknown> {
  if (!ParqueDBError.isInstance(error) || (error.code !== 'UNKNOWN_COLLECTION' && error.code !== 'NOT_FOUND')) return error
  if (!(await db.entryNames()).includes(name)) return error
  const misplaced = error.code === 'UNKNOWN_COLLECTION' ? 'view' : 'collection'
  const route = misplaced === 'view' ? `/views/${name}` : `/collections/${name}`
  return new ParqueDBError(error.code, `"${name}" is a ${misplaced}, not a ${misplaced === 'view' ? 'collection' : 'view'}: use ${route}`, { ...error.details, [misplaced]: name, route }, { cause: error })
}

/** True when `name` is one of the database's views. */
export async function isView(db: DatabaseFacade, name: string): Promise<boolean> {
  return (await db.listViews()).some((view) => view.name === name)
}
