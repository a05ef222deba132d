import { isValidPath } from '../../query/get-path.ts'
import { isPlainObject } from '../../query/is-plain-object.ts'
import { describeValue } from '../../schema/describe-value.ts'
import { compileExpression } from '../expressions/compile-expression.ts'
import { expressionFields } from '../expressions/expression-fields.ts'
import { compileFieldReader, fieldReferencePath } from '../expressions/field-reference.ts'
import type { OutputNames } from './output-name.ts'
import type { OutputColumn } from './parse-select.ts'
import { rewriteReferences } from './rewrite-references.ts'
import type { ResolvedReference, RowShape } from './row-shape.ts'
import { bucketOf } from './time-bucket.ts'
import type { BucketUnit, GroupKey } from './types.ts'
import { siteLabel, viewError, withViewDetails, type ViewSite } from './view-error.ts'

/** Group-key names that mean a time bucket of their expression. */
export const BUCKET_UNITS: readonly BucketUnit[] = ['minute', 'hour', 'day', 'date', 'week', 'month']

/** Kinds a time bucket can read: instants, calendar days, ISO strings, epoch milliseconds, JSON. */
const BUCKETABLE = new Set(['timestamp', 'date', 'string', 'int', 'bigint', 'double', 'variant'])

export interface ParsedGroupBy {
  readonly keys: readonly GroupKey[]
  readonly outputs: readonly OutputColumn[]
}

/**
 * Compiles `$groupBy`: a list of
 * - field names ('scriptName') and dotted paths ('event.request.method', output
 *   'event_request_method'; 'customer.tier' reads through the relation);
 * - one-key objects `{ name: expression }`; when the name is minute, hour, day, week or month
 *   the key is that time bucket of the expression's value (a Date), and for 'date' its calendar
 *   day ('YYYY-MM-DD'), both cut in `timeZone`.
 *
 * Keys keep the type of a plain reference (optional); JSON paths and expressions are 'variant?',
 * buckets 'timestamp?' ('date?' for date).
 *
 * @example
 * parseGroupBy(shape, ['scriptName', { hour: '$timestamp' }], 'UTC', names).outputs
 * // [{ name: 'scriptName', fieldString: 'string?' }, { name: 'hour', fieldString: 'timestamp?' }]
 */
export function parseGroupBy(shape: RowShape, groupBy: unknown, timeZone: string, names: OutputNames): ParsedGroupBy {
  const view = shape.view
  if (!Array.isArray(groupBy)) {
    throw viewError({ view, directive: '$groupBy' }, `expected a list of group keys such as ['scriptName', { hour: '$timestamp' }], got ${describeValue(groupBy)}`)
  }
  if (groupBy.length === 0) throw viewError({ view, directive: '$groupBy' }, 'lists no keys; omit $groupBy for one group over all rows')
  const keys: GroupKey[] = []
  const outputs: OutputColumn[] = []
  for (const [index, entry] of (groupBy as readonly unknown[]).entries()) {
    const parsed = typeof entry === 'string' ? pathKey(shape, entry, index, names) : objectKey(shape, entry, index, timeZone, names)
    keys.push(Object.freeze(parsed.key))
    outputs.push(Object.freeze({ name: parsed.key.name, fieldString: parsed.fieldString }))
  }
  return { keys, outputs }
}

interface Parsed {
  readonly key: GroupKey
  readonly fieldString: string
}

function pathKey(shape: RowShape, path: string, index: number, names: OutputNames): Parsed {
  if (!isValidPath(path) || path.startsWith('$')) {
    const hint = path.startsWith('$') ? `; write the field name without '$' ('${path.slice(1)}'), or { name: '${path}' }` : ''
    throw viewError({ view: shape.view, directive: '$groupBy', key: String(index) }, `invalid field path ${JSON.stringify(path)}${hint}`)
  }
  const name = path.replaceAll('.', '_')
  const site: ViewSite = { view: shape.view, directive: '$groupBy', key: name }
  names.claim(name, site, `$groupBy entry '${path}'`)
  const resolved = shape.resolve(path, site)
  const nested = resolved.path.includes('.')
  const key: GroupKey = {
    name,
    kind: nested ? 'path' : 'field',
    evaluate: compileFieldReader(resolved.path),
    fields: Object.freeze([resolved.path.split('.')[0] as string]),
    path: resolved.path,
  }
  return { key, fieldString: resolved.fieldString }
}

function objectKey(shape: RowShape, entry: unknown, index: number, timeZone: string, names: OutputNames): Parsed {
  const view = shape.view
  const keysOf = isPlainObject(entry) ? Object.keys(entry) : []
  if (!isPlainObject(entry) || keysOf.length !== 1) {
    const got = isPlainObject(entry) ? `an object with ${keysOf.length} keys${keysOf.length > 0 ? ` (${keysOf.join(', ')})` : ''}` : describeValue(entry)
    throw viewError({ view, directive: '$groupBy', key: String(index) }, `expected a field name or a one-key object such as { hour: '$timestamp' }, got ${got}`)
  }
  const name = keysOf[0] as string
  const expression = entry[name]
  const site: ViewSite = { view, directive: '$groupBy', key: name }
  const shown = typeof expression === 'string' ? `'${expression}'` : '...'
  names.claim(name, site, `$groupBy entry { ${name}: ${shown} }`)
  const isReference = typeof expression === 'string' && fieldReferencePath(expression) !== undefined
  if (!isReference && !isPlainObject(expression)) {
    const hint = typeof expression === 'string' && isValidPath(expression) ? `; write '$${expression}' to read the field "${expression}"` : ''
    throw viewError(site, `groups every row under the constant ${describeValue(expression)}${hint}`)
  }
  // Validate as written first, so a malformed expression is reported before its references.
  withViewDetails(site, () => compileExpression(expression, { label: siteLabel(site) }))
  let reference: ResolvedReference | undefined
  const rewritten = rewriteReferences(expression, (path) => {
    const resolved = shape.resolve(path, site)
    if (isReference) reference = resolved
    return resolved.path
  })
  const read = withViewDetails(site, () => compileExpression(rewritten, { label: siteLabel(site) }))
  const fields = Object.freeze(expressionFields(rewritten))
  const unit = (BUCKET_UNITS as readonly string[]).includes(name) ? (name as BucketUnit) : undefined
  if (unit === undefined) {
    return { key: { name, kind: 'expression', evaluate: read, fields }, fieldString: reference?.fieldString ?? 'variant?' }
  }
  if (reference?.column !== undefined && !reference.nested) {
    const field = reference.column.field
    const listed = field.kind === 'relation' ? field.many : field.array
    if (field.kind === 'relation' || listed || !BUCKETABLE.has(field.kind)) {
      throw viewError(site, `a ${unit} bucket needs a timestamp, but "${reference.path}" is ${field.source.trim()}`)
    }
  }
  const bucketField = reference !== undefined && !reference.nested ? reference.path : undefined
  const key: GroupKey = {
    name,
    kind: 'bucket',
    evaluate: (row) => bucketOf(read(row), unit, timeZone),
    fields,
    bucket: Object.freeze({ unit, timeZone, ...(bucketField === undefined ? {} : { field: bucketField }) }),
  }
  return { key, fieldString: unit === 'date' ? 'date?' : 'timestamp?' }
}
