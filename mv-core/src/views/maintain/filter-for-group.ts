import { isArrayIndex } from '../../query/get-path.ts'
import type { Filter } from '../../query/types.ts'
import { timestampMillis } from '../../schema/calendar.ts'
import type { Row } from '../../schema/types.ts'
import { bucketEnd, bucketOf, calendarDay, type TruncateUnit } from '../define/time-bucket.ts'
import type { GroupKey, ViewPlan } from '../define/types.ts'

/** A key that needs no condition: every source row has it (or the condition could only wrongly narrow). */
const ANY = null
/** A key no filter on the source can express. */
const INEXPRESSIBLE = undefined

type Condition = Filter | typeof ANY | typeof INEXPRESSIBLE

/**
 * A find filter for the view's source that selects the source rows of one group, to recompute
 * it: the view's own `$filter` and one condition per group key, joined with `$and`.
 * - a plain field: equality (`{ status: { $eq: 'paid' } }`; a null key matches null and missing);
 * - a time bucket of a timestamp field: its range, `{ createdAt: { $gte: start, $lt: end } }`
 *   (bucketEnd), so file statistics prune the read; of a 'date' field the range of calendar
 *   days ('YYYY-MM-DD');
 * - a dotted path into a variant, or into the `$unnest`ed list: equality on the path.
 * `key` is the group's key values, as a list in `$groupBy` order or as the group row's fields.
 * Undefined when a key cannot be expressed (expressions, keys read through `$expand`, buckets of
 * expressions or of non-time fields, whole list fields): the caller refreshes the view fully.
 *
 * The filter may select more rows than the group's, never fewer: a source row can feed several
 * groups (`$unnest`, `$expand`), and a null key below a list is left unconstrained, because the
 * filter's element semantics would miss it. recomputeGroup skips working rows of other groups.
 *
 * @example
 * filterForGroup(dailySales, ['2024-01-15', 'paid'])
 * // { $and: [{ createdAt: { $gte: Date(2024-01-15T00:00Z), $lt: Date(2024-01-16T00:00Z) } }, { status: { $eq: 'paid' } }] }
 */
export function filterForGroup(plan: ViewPlan, key: readonly unknown[] | Readonly<Row>): Filter | undefined {
  if (plan.kind !== 'groups') throw new TypeError(`filterForGroup: view "${plan.name}" does not group its rows`)
  const keys = plan.groupBy ?? []
  const values = isKeyList(key) ? key : keys.map((groupKey) => (Object.hasOwn(key, groupKey.name) ? key[groupKey.name] : null))
  if (values.length !== keys.length) throw new TypeError(`filterForGroup: view "${plan.name}" has ${keys.length} group keys, got ${values.length} values`)
  const parts: Filter[] = []
  const own = plan.definition.$filter
  if (own !== undefined) parts.push(own as Filter)
  for (const [index, groupKey] of keys.entries()) {
    const condition = keyCondition(plan, groupKey, values[index] ?? null)
    if (condition === INEXPRESSIBLE) return undefined
    if (condition !== ANY) parts.push(condition)
  }
  return parts.length === 0 ? {} : parts.length === 1 ? (parts[0] as Filter) : { $and: parts }
}

function isKeyList(key: readonly unknown[] | Readonly<Row>): key is readonly unknown[] {
  return Array.isArray(key)
}

function keyCondition(plan: ViewPlan, key: GroupKey, value: unknown): Condition {
  switch (key.kind) {
    case 'expression':
      return INEXPRESSIBLE
    case 'bucket':
      return bucketCondition(plan, key, value)
    default:
      return pathCondition(plan, key.path ?? key.name, value)
  }
}

function pathCondition(plan: ViewPlan, path: string, value: unknown): Condition {
  const segments = path.split('.')
  const first = segments[0] as string
  if (first === plan.unnest?.field) {
    // The source row holds the whole list where the working row held one element: equality on
    // the list matches rows with such an element. 'list.0' would index the list, not the element.
    if (value === null || (segments.length > 1 && isArrayIndex(segments[1] as string))) return ANY
    return { [path]: { $eq: value } }
  }
  const column = plan.sourceSchema.columns.find((candidate) => candidate.name === first)
  if (column === undefined) {
    if (plan.expand.some((expansion) => expansion.columns.some((expanded) => expanded.name === first))) return INEXPRESSIBLE
    // A field the source does not have reads as null in every row.
    return value === null ? ANY : INEXPRESSIBLE
  }
  if (segments.length === 1) return column.array ? INEXPRESSIBLE : { [path]: { $eq: value } }
  // A path reads null when a list lies on its way, where the filter would look into the elements.
  return value === null ? ANY : { [path]: { $eq: value } }
}

function bucketCondition(plan: ViewPlan, key: GroupKey, value: unknown): Condition {
  const spec = key.bucket
  const field = spec?.field
  if (spec === undefined || field === undefined || field === plan.unnest?.field) return INEXPRESSIBLE
  const column = plan.sourceSchema.columns.find((candidate) => candidate.name === field)
  if (column === undefined || column.array || (column.kind !== 'timestamp' && column.kind !== 'date')) return INEXPRESSIBLE
  // Timestamps and calendar days always have a bucket, so a null key means a null field.
  if (value === null) return { [field]: { $eq: null } }
  const { unit, timeZone } = spec
  if (column.kind === 'date' && unit === 'date') return typeof value === 'string' ? { [field]: { $eq: value } } : INEXPRESSIBLE
  const start = bucketStart(value, unit === 'date', timeZone)
  if (start === undefined) return INEXPRESSIBLE
  if (column.kind === 'timestamp') {
    const end = bucketEnd(start, unit === 'date' ? 'day' : unit, timeZone)
    return { [field]: { $gte: start, $lt: end } }
  }
  // Calendar days bucket by their local midnight, so minutes and hours hold whole days.
  const dayUnit: TruncateUnit = unit === 'minute' || unit === 'hour' || unit === 'date' ? 'day' : unit
  return { [field]: { $gte: calendarDay(start, timeZone), $lt: calendarDay(bucketEnd(start, dayUnit, timeZone), timeZone) } }
}

/** The first instant of a bucket key: a Date (or ISO text, epoch ms) as is; a 'date' key's local midnight. */
function bucketStart(key: unknown, calendar: boolean, timeZone: string): Date | undefined {
  if (calendar) {
    const day = typeof key === 'string' ? bucketOf(key, 'day', timeZone) : null
    return day instanceof Date ? day : undefined
  }
  const ms = timestampMillis(key)
  return ms === undefined ? undefined : new Date(ms)
}
