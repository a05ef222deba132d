import type { Row } from '../../schema/types.ts'
import { bucketStartReader } from '../define/time-bucket.ts'
import type { GroupKey, ViewPlan } from '../define/types.ts'
import { groupKeyOf, type GroupKeyValue } from './group-key-of.ts'

/** Distinct keys remembered before the cache starts over: bounds memory on high-cardinality keys. */
const MAX_CACHED_KEYS = 65_536

/** One level of the key trie: scalar key values by themselves, Dates by their instant. */
interface Level {
  readonly scalars: Map<unknown, Level | GroupKeyValue>
  readonly dates: Map<number, Level | GroupKeyValue>
}

const newLevel = (): Level => ({ scalars: new Map(), dates: new Map() })

/** How the trie reads one key; `instant` readers give epoch ms (or null), kept apart from numbers. */
interface KeyReader {
  readonly read: (row: Row) => unknown
  readonly instant: boolean
}

/** A time bucket of a plain field is keyed by its start in ms: no Date per row. */
function keyReader(key: GroupKey): KeyReader {
  const bucket = key.bucket
  if (bucket?.field !== undefined && bucket.unit !== 'date') {
    const { field, unit, timeZone } = bucket
    const startOf = bucketStartReader(unit, timeZone)
    return { read: (row) => startOf(row[field]), instant: true }
  }
  return { read: key.evaluate, instant: false }
}

/**
 * groupKeyOf with the key objects remembered: a row's key values are looked up in a trie of
 * Maps (one level per `$groupBy` entry), so the canonical id text is built once per distinct key
 * rather than once per row. Strings, numbers, booleans, bigints and null are Map keys as they
 * are (SameValueZero: 0 and −0 meet, as their ids do); Dates by their instant; any other value
 * (lists, objects) skips the cache.
 *
 * @example
 * const keys = new GroupKeys(dailySales)
 * keys.of(row1) === keys.of(row2) // true when both rows fall into the same group
 */
export class GroupKeys {
  readonly #plan: ViewPlan
  /** Per key, what the trie is keyed by: the key value, or for time buckets the bucket's start in epoch ms. */
  readonly #readers: readonly KeyReader[]
  #root = newLevel()
  #size = 0

  constructor(plan: ViewPlan) {
    this.#plan = plan
    this.#readers = (plan.groupBy ?? []).map(keyReader)
  }

  of(row: Row): GroupKeyValue {
    const readers = this.#readers
    if (readers.length === 0) return this.#leaf(this.#root.scalars, null, row)
    let level = this.#root
    for (let index = 0; index < readers.length; index++) {
      const reader = readers[index] as KeyReader
      const value = reader.read(row) ?? null
      let map: Map<unknown, Level | GroupKeyValue>
      let mapKey: unknown
      if (reader.instant && value !== null) {
        map = level.dates as Map<unknown, Level | GroupKeyValue>
        mapKey = value
      } else if (value instanceof Date) {
        map = level.dates as Map<unknown, Level | GroupKeyValue>
        mapKey = value.getTime()
      } else if (value !== null && typeof value === 'object') {
        return groupKeyOf(this.#plan, row)
      } else {
        map = level.scalars
        mapKey = value
      }
      if (index === readers.length - 1) return this.#leaf(map, mapKey, row)
      let next = map.get(mapKey) as Level | undefined
      if (next === undefined) {
        next = newLevel()
        map.set(mapKey, next)
      }
      level = next
    }
    return groupKeyOf(this.#plan, row) // not reached: the loop returns at its last entry
  }

  #leaf(map: Map<unknown, Level | GroupKeyValue>, mapKey: unknown, row: Row): GroupKeyValue {
    const cached = map.get(mapKey) as GroupKeyValue | undefined
    if (cached !== undefined) return cached
    const key = groupKeyOf(this.#plan, row)
    if (++this.#size > MAX_CACHED_KEYS) {
      this.#root = newLevel()
      this.#size = 0
      return key
    }
    map.set(mapKey, key)
    return key
  }
}
