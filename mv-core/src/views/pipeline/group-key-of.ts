import type { Row } from '../../schema/types.ts'
import type { ViewPlan } from '../define/types.ts'
import { boundedId } from './bounded-id.ts'
import { encodeKey } from './encode-key.ts'

/** The group a working row belongs to. */
export interface GroupKeyValue {
  /** The group row's `$id`: boundedId(encodeKey(values)), e.g. '["2024-01-15","paid"]'. */
  readonly id: string
  /** One value per `$groupBy` entry, in order; null for missing values. */
  readonly values: readonly unknown[]
  /** The same values by output name: the key fields of the group row. */
  readonly fields: Readonly<Row>
}

/**
 * The group key of a working row (see workingRows) and its id. The id is the canonical text of
 * the key values (encodeKey: strings quoted, Dates as ISO, numbers as JSON, `[...]` around), so
 * equal keys give equal ids in every process and release; texts over 256 characters keep their
 * start and end in a hash (boundedId). A view without `$groupBy` has one group, id '[]'.
 *
 * @example
 * groupKeyOf(dailySales, { createdAt: new Date('2024-01-15T10:00:00Z'), status: 'paid' })
 * // { id: '["2024-01-15","paid"]', values: ['2024-01-15', 'paid'], fields: { date: '2024-01-15', status: 'paid' } }
 */
export function groupKeyOf(plan: ViewPlan, workingRow: Row): GroupKeyValue {
  const keys = plan.groupBy ?? []
  const values = keys.map((key) => key.evaluate(workingRow) ?? null)
  const fields: Row = {}
  keys.forEach((key, index) => {
    fields[key.name] = values[index]
  })
  return { id: boundedId(encodeKey(values)), values, fields }
}
