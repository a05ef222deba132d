import { ParqueDBError } from '../errors.ts'
import type { Row } from '../schema/types.ts'

/**
 * An update: a plain patch (`{ status: 'shipped' }`, same as `$set`) or operators.
 * Dotted paths reach into variant fields: `{ $set: { 'event.response.status': 500 } }`.
 */
export type Update = Readonly<Record<string, unknown>>

const OPERATORS = new Set(['$set', '$unset', '$inc', '$push'])
const IMMUTABLE = new Set(['$id', 'createdAt'])

/**
 * Applies `update` to a copy of `row` and returns the copy; `row` is not touched. The result is
 * validated against the schema by the caller.
 *
 * @example
 * applyUpdate({ $id: 'a', hits: 1 }, { $inc: { hits: 2 } }, 'collection "Pages"') // { $id: 'a', hits: 3 }
 */
export function applyUpdate(row: Row, update: Update, label: string): Row {
  if (typeof update !== 'object' || update === null || Array.isArray(update)) {
    throw new ParqueDBError('VALIDATION', `${label}: an update must be an object of fields or $set/$unset/$inc/$push`)
  }
  const keys = Object.keys(update)
  const operatorKeys = keys.filter((key) => key.startsWith('$') && key !== '$id')
  if (operatorKeys.length > 0 && operatorKeys.length !== keys.length) {
    throw new ParqueDBError('VALIDATION', `${label}: an update mixes operators (${operatorKeys.join(', ')}) with plain fields`)
  }
  const operations: Record<string, unknown> = operatorKeys.length ? { ...update } : { $set: update }
  const next: Row = { ...row }
  for (const [operator, argument] of Object.entries(operations)) {
    if (!OPERATORS.has(operator)) {
      throw new ParqueDBError('VALIDATION', `${label}: unknown update operator ${operator} (expected $set, $unset, $inc or $push)`, { operator })
    }
    if (typeof argument !== 'object' || argument === null || Array.isArray(argument)) {
      throw new ParqueDBError('VALIDATION', `${label}: ${operator} takes an object of field paths`, { operator })
    }
    for (const [path, value] of Object.entries(argument)) {
      const field = path.split('.')[0] as string
      if (IMMUTABLE.has(field)) {
        throw new ParqueDBError('VALIDATION', `${label}: field "${field}" cannot be updated`, { field })
      }
      applyOperator(next, operator, path, value, label)
    }
  }
  return next
}

function applyOperator(row: Row, operator: string, path: string, value: unknown, label: string): void {
  const segments = path.split('.')
  const container = containerFor(row, segments, operator !== '$unset')
  const last = segments[segments.length - 1] as string
  if (!container) return // $unset of a path that does not exist
  switch (operator) {
    case '$set':
      container[last] = value
      return
    case '$unset':
      if (segments.length === 1) container[last] = null
      else delete container[last]
      return
    case '$inc': {
      const current = container[last] ?? 0
      if (typeof value === 'number' && typeof current === 'number') container[last] = current + value
      else if (typeof value === 'bigint' && typeof current === 'bigint') container[last] = current + value
      else throw new ParqueDBError('VALIDATION', `${label}: $inc.${path}: needs a number field and a number amount`, { field: path })
      return
    }
    case '$push': {
      const current = container[last] ?? []
      if (!Array.isArray(current)) throw new ParqueDBError('VALIDATION', `${label}: $push.${path}: field is not an array`, { field: path })
      container[last] = [...current, value]
      return
    }
  }
}

/** The object holding the last segment, copying each nested level so the original row is untouched. */
function containerFor(row: Row, segments: string[], create: boolean): Record<string, unknown> | undefined {
  let container: Record<string, unknown> = row
  for (const segment of segments.slice(0, -1)) {
    const child = container[segment]
    if (child === null || child === undefined) {
      if (!create) return undefined
      container[segment] = {}
    } else if (typeof child === 'object') {
      container[segment] = Array.isArray(child) ? [...child] : { ...child }
    } else if (!create) {
      return undefined
    } else {
      throw new ParqueDBError('VALIDATION', `cannot set "${segments.join('.')}": "${segment}" is not an object`, { field: segments.join('.') })
    }
    container = container[segment] as Record<string, unknown>
  }
  return container
}
