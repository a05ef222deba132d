import type { Row } from '../schema/types.ts'
import { badFilter } from './bad-filter.ts'
import { compileSort, type RowComparator } from './compile-sort.ts'
import type { SortSpec } from './types.ts'

/**
 * A sorted copy of the rows: stable (equal keys keep their input order), multi-key, dotted
 * paths allowed. The input array is not modified.
 *
 * @example
 * sortRows(rows, { outcome: 1, wallTime: -1 })
 */
export function sortRows(rows: readonly Row[], sort: SortSpec, label = 'query'): Row[] {
  const compare = compileSort(sort, label)
  const copy = rows.slice()
  return compare ? copy.sort(compare) : copy
}

interface Ranked {
  readonly row: Row
  readonly seq: number
}

/**
 * The first k rows of `sortRows(rows, sort)`, keeping only k rows in memory: a bounded max-heap
 * whose root is the worst row kept, so each further row costs O(log k) and most cost one
 * comparison. Ties rank by arrival, so the result equals the stable full sort's prefix. With an
 * empty sort it is the first k rows. For `skip` + `limit`, pass k = skip + limit.
 *
 * @example
 * topK(rows, { wallTime: -1 }, 10) // the 10 slowest, slowest first
 */
export function topK(rows: Iterable<Row>, sort: SortSpec, k: number, label = 'query'): Row[] {
  if (!(Number.isSafeInteger(k) && k >= 0) && k !== Number.POSITIVE_INFINITY) {
    throw badFilter(label, `top-k size must be a non-negative integer, got ${String(k)}`, { option: 'limit' })
  }
  const compare = compileSort(sort, label)
  if (k === Number.POSITIVE_INFINITY) {
    const all = [...rows]
    return compare ? all.sort(compare) : all
  }
  if (k === 0) return []
  if (!compare) return firstK(rows, k)

  const worse = (a: Ranked, b: Ranked): boolean => {
    const order = compare(a.row, b.row)
    return order > 0 || (order === 0 && a.seq > b.seq)
  }
  const heap: Ranked[] = []
  let seq = 0
  for (const row of rows) {
    const entry = { row, seq: seq++ }
    if (heap.length < k) {
      heap.push(entry)
      siftUp(heap, heap.length - 1, worse)
    } else if (compare(row, (heap[0] as Ranked).row) < 0) {
      // A tie with the root loses: the root arrived earlier.
      heap[0] = entry
      siftDown(heap, 0, worse)
    }
  }
  return heap.sort((a, b) => compare(a.row, b.row) || a.seq - b.seq).map((entry) => entry.row)
}

function firstK(rows: Iterable<Row>, k: number): Row[] {
  const out: Row[] = []
  for (const row of rows) {
    out.push(row)
    if (out.length >= k) break
  }
  return out
}

type Worse = (a: Ranked, b: Ranked) => boolean

function siftUp(heap: Ranked[], index: number, worse: Worse): void {
  const entry = heap[index] as Ranked
  while (index > 0) {
    const parent = (index - 1) >> 1
    const above = heap[parent] as Ranked
    if (!worse(entry, above)) break
    heap[index] = above
    index = parent
  }
  heap[index] = entry
}

function siftDown(heap: Ranked[], index: number, worse: Worse): void {
  const entry = heap[index] as Ranked
  const size = heap.length
  for (;;) {
    const left = 2 * index + 1
    if (left >= size) break
    const right = left + 1
    let child = left
    if (right < size && worse(heap[right] as Ranked, heap[left] as Ranked)) child = right
    const below = heap[child] as Ranked
    if (!worse(below, entry)) break
    heap[index] = below
    index = child
  }
  heap[index] = entry
}
