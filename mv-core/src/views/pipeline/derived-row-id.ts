import { boundedId } from './bounded-id.ts'
import type { Derivation } from './derivations.ts'

/**
 * The `$id` of the output row a derivation gives: the source `$id` when the view does not fan
 * out; otherwise the source `$id`, then `#<unnest index>` and/or `#<fan-out entity $id>` (nothing
 * for the row of nulls of a source row that reached no entity). In fanned-out ids the two `$id`
 * parts escape `%`, `#` and `~` (as `%25`, `%23`, `%7E`), so every part is told apart and two
 * derivations never share an id; ids longer than 256 characters are shortened by boundedId.
 * The same source row always gives the same ids, so the −1 of a source row deletes exactly
 * the rows its +1 created.
 *
 * @example
 * derivedRowId('e1', { row, unnestIndex: 2 }) // 'e1#2'
 * derivedRowId('o1', { row, fanOutId: 'i7' }) // 'o1#i7'
 * derivedRowId('o1', { row, fanOutId: null }) // 'o1'
 */
export function derivedRowId(sourceId: string, derivation: Derivation): string {
  const { unnestIndex, fanOutId } = derivation
  if (unnestIndex === undefined && fanOutId === undefined) return sourceId
  let id = escapePart(sourceId)
  if (unnestIndex !== undefined) id += `#${unnestIndex}`
  if (typeof fanOutId === 'string') id += `#${escapePart(fanOutId)}`
  return boundedId(id)
}

function escapePart(id: string): string {
  return id.replace(/[%#~]/g, (char) => (char === '%' ? '%25' : char === '#' ? '%23' : '%7E'))
}
