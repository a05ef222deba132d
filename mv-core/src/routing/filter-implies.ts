import { compareValues } from '../query/compare-values.ts'
import { isPlainObject } from '../query/is-plain-object.ts'
import type { Filter } from '../query/types.ts'

/** One field condition of a filter's top-level AND: `{ status: { $in: [...] } }` as ['status', { $in: [...] }]. */
type Term = readonly [field: string, condition: unknown]

const RANGE = new Set(['$gt', '$gte', '$lt', '$lte'])

/**
 * Whether every row matching `query` also matches `view` — decided conservatively: each term of
 * the view's filter must follow from one term of the query's on the same field (the same
 * condition; an equality or `$in` inside the view's `$in` or range or `$ne`; a range inside the
 * view's range; `$exists: true` from any condition that needs a value). False whenever this
 * cannot tell, which only costs a read from the source. Beyond identical terms it reasons only
 * about fields `isScalar` vouches for: on a list, `{ tags: 'a' }` does not imply `{ tags: { $ne: 'b' } }`.
 *
 * @example
 * filterImplies({ status: 'paid', total: { $gte: 100 } }, { total: { $gt: 50 } }) // true
 * filterImplies({ status: 'paid' }, { status: { $in: ['paid', 'shipped'] } }) // true
 * filterImplies({}, { status: 'paid' }) // false
 */
export function filterImplies(query: Filter, view: Filter, isScalar: (field: string) => boolean = () => false): boolean {
  const queryTerms = terms(query)
  const viewTerms = terms(view)
  if (queryTerms === undefined || viewTerms === undefined) return canonical(query) === canonical(view)
  return viewTerms.every((needed) => queryTerms.some((given) => termImplies(given, needed, isScalar)))
}

/** The top-level AND of a filter as field terms; undefined when it holds $or/$nor/$not at the top. */
function terms(filter: Filter): Term[] | undefined {
  const out: Term[] = []
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and') {
      if (!Array.isArray(value)) return undefined
      for (const inner of value) {
        const nested = isPlainObject(inner) ? terms(inner) : undefined
        if (nested === undefined) return undefined
        out.push(...nested)
      }
    } else if (key.startsWith('$') && key !== '$id') return undefined
    else if (isPlainObject(value) && Object.keys(value).some((operator) => operator.startsWith('$')) && Object.keys(value).length > 1) {
      // { total: { $gte: 1, $lt: 9 } } is two terms.
      for (const [operator, operand] of Object.entries(value)) out.push([key, { [operator]: operand }])
    } else out.push([key, value])
  }
  return out
}

function termImplies([givenField, given]: Term, [neededField, needed]: Term, isScalar: (field: string) => boolean): boolean {
  if (givenField !== neededField) return false
  if (canonical(given) === canonical(needed)) return true
  if (!isScalar(givenField)) return false
  const values = pointValues(given)
  const [op, operand] = operatorOf(needed)
  if (values !== undefined) return values.every((value) => value !== null && holds(value, op, operand))
  const [givenOp, bound] = operatorOf(given)
  if (op === '$exists') return operand === true && (RANGE.has(givenOp) || givenOp === '$regex')
  if (RANGE.has(givenOp) && RANGE.has(op)) return rangeWithin(givenOp, bound, op, operand)
  return false
}

/** The values an equality or `$in` allows (a scalar equality only: arrays and objects are left out). */
function pointValues(condition: unknown): unknown[] | undefined {
  if (!isPlainObject(condition) && !Array.isArray(condition)) return [condition]
  if (isPlainObject(condition)) {
    const [op, operand] = operatorOf(condition)
    if (op === '$eq' && !isPlainObject(operand) && !Array.isArray(operand)) return [operand]
    if (op === '$in' && Array.isArray(operand) && operand.every((value) => !isPlainObject(value) && !Array.isArray(value))) return operand
  }
  return undefined
}

function operatorOf(condition: unknown): [string, unknown] {
  if (isPlainObject(condition)) {
    const keys = Object.keys(condition)
    if (keys.length === 1 && keys[0]!.startsWith('$')) return [keys[0] as string, condition[keys[0] as string]]
  }
  return ['$eq', condition]
}

/** Whether one value satisfies a single-operator condition (only the operators reasoned about). */
function holds(value: unknown, op: string, operand: unknown): boolean {
  switch (op) {
    case '$eq':
      return comparable(value, operand) && compareValues(value, operand) === 0
    case '$ne':
      return operand === null || (comparable(value, operand) ? compareValues(value, operand) !== 0 : typeof value !== typeof operand && !(value instanceof Date) && !(operand instanceof Date))
    case '$in':
      return Array.isArray(operand) && operand.some((entry) => comparable(value, entry) && compareValues(value, entry) === 0)
    case '$nin':
      return Array.isArray(operand) && operand.every((entry) => entry !== null && comparable(value, entry) && compareValues(value, entry) !== 0)
    case '$exists':
      return operand === true
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte': {
      if (!comparable(value, operand)) return false
      const order = compareValues(value, operand)
      return op === '$gt' ? order > 0 : op === '$gte' ? order >= 0 : op === '$lt' ? order < 0 : order <= 0
    }
    default:
      return false
  }
}

/** Both of one kind that orders: numbers (bigints too), strings, booleans or Dates. */
function comparable(a: unknown, b: unknown): boolean {
  const kind = (value: unknown) => (typeof value === 'bigint' ? 'number' : value instanceof Date ? 'date' : typeof value)
  return kind(a) === kind(b) && ['number', 'string', 'boolean', 'date'].includes(kind(a))
}

/** Whether the range `givenOp bound` lies inside `op operand` (both lower or both upper bounds). */
function rangeWithin(givenOp: string, bound: unknown, op: string, operand: unknown): boolean {
  if (!comparable(bound, operand)) return false
  const lower = (operator: string) => operator === '$gt' || operator === '$gte'
  if (lower(givenOp) !== lower(op)) return false
  const order = compareValues(bound, operand)
  if (order === 0) return givenOp === op || (op === '$gte' && givenOp === '$gt') || (op === '$lte' && givenOp === '$lt')
  return lower(op) ? order > 0 : order < 0
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_, inner: unknown) => {
    if (typeof inner === 'bigint') return `${inner}n`
    if (isPlainObject(inner)) return Object.fromEntries(Object.keys(inner).sort().map((key) => [key, inner[key]]))
    return inner
  })
}
