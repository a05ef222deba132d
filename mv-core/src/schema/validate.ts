import { ParqueDBError } from '../errors.ts'
import { describeValue } from './describe-value.ts'
import { fieldPath, InvalidValue } from './invalid-value.ts'
import { kindLabel, valueNormalizer, type Normalize } from './value-normalizer.ts'
import type { CollectionSchema, Row, ScalarField } from './types.ts'

export interface ValidateOptions {
  /**
   * Update patches: only the fields present are checked; a required field may be absent but
   * cannot be set to null.
   */
  partial?: boolean
  /** Return variants as VariantText, the engine's stored form (see variant-text.ts). */
  variantText?: boolean
}

/** One invalid value of a batch, as listed in the error's `details.errors`. */
export interface ValidationIssue {
  row: number
  field?: string
  expected: string
  got: string
  message: string
}

/** How many issues the error keeps in `details.errors`; the count covers them all. */
const MAX_LISTED_ISSUES = 20

interface FieldRule {
  column?: ScalarField
  normalize?: Normalize
  /** Set for fields that exist but cannot be written (reverse relations). */
  refuse?: string
}

interface Rules {
  byName: Map<string, FieldRule>
  /** Declared stored columns (not the system ones): checked for presence in full mode. */
  declared: ScalarField[]
}

const rulesCache = new WeakMap<CollectionSchema, Rules>()
const textRulesCache = new WeakMap<CollectionSchema, Rules>()

function rulesFor(schema: CollectionSchema, variantText: boolean): Rules {
  const cache = variantText ? textRulesCache : rulesCache
  const cached = cache.get(schema)
  if (cached) return cached
  const byName = new Map<string, FieldRule>()
  const declared: ScalarField[] = []
  for (const column of schema.columns) {
    const field = schema.byName.get(column.name)
    const target = field?.kind === 'relation' ? field.target : undefined
    byName.set(column.name, { column, normalize: valueNormalizer(column, target, { variantText }) })
    if (column.name !== '$id' && column.name !== 'createdAt' && column.name !== 'updatedAt') declared.push(column)
  }
  for (const field of schema.fields) {
    if (field.kind === 'relation' && field.direction === 'reverse') {
      byName.set(field.name, { refuse: `is a reverse relation computed from ${field.target} and cannot be written` })
    }
  }
  const rules = { byName, declared }
  cache.set(schema, rules)
  return rules
}

function expectedLabel(column: ScalarField, schema: CollectionSchema): string {
  const field = schema.byName.get(column.name)
  const base = field?.kind === 'relation' ? `$id of ${field.target}` : kindLabel(column)
  return column.array ? `${base}[]` : base
}

/**
 * Checks a batch of rows against a collection schema and returns normalized copies (the JS forms
 * documented on ScalarKind). The whole batch is rejected with ONE ParqueDBError('VALIDATION')
 * naming the first bad value (row index is 0-based); `details` holds
 * `{ collection, row, field, expected, got, errorCount, errors }` with up to 20 issues listed.
 *
 * Full mode (creates): every declared field is present in the output, optional ones as null;
 * `$id`, `createdAt` and `updatedAt` are checked when given and otherwise left for the engine.
 * Undeclared fields are errors — a typo must not be dropped silently. Undefined values count as
 * absent.
 *
 * @example
 * const [row] = validateRows(orderSchema, [{ customer: 'c1', total: '12.50' }])
 * row // { customer: 'c1', total: 12.5, note: null }
 * validateRows(orderSchema, [{ total: 'abc' }], { partial: true })
 * // throws: [parquedb] collection "Order": row 0: field "total": expected decimal(10,2), got "abc"
 */
export function validateRows(schema: CollectionSchema, rows: readonly unknown[], options: ValidateOptions = {}): Row[] {
  const { byName, declared } = rulesFor(schema, options.variantText === true)
  const partial = options.partial === true
  const out: Row[] = new Array(rows.length)
  const issues: ValidationIssue[] = []
  let issueCount = 0
  const badRows = new Set<number>()

  const report = (row: number, field: string | undefined, expected: string, got: string, what: string) => {
    issueCount++
    badRows.add(row)
    if (issues.length >= MAX_LISTED_ISSUES) return
    const where = field === undefined ? '' : `field "${field}": `
    const message = `collection "${schema.name}": row ${row}: ${where}${what}`
    issues.push({ row, ...(field === undefined ? {} : { field }), expected, got, message })
  }

  for (let i = 0; i < rows.length; i++) {
    const input = rows[i]
    if (typeof input !== 'object' || input === null || Array.isArray(input) || input instanceof Date) {
      const got = describeValue(input)
      report(i, undefined, 'object', got, `expected an object, got ${got}`)
      continue
    }
    const row: Row = {}
    const record = input as Record<string, unknown>
    for (const key of Object.keys(record)) {
      const value = record[key]
      if (value === undefined) continue
      const rule = byName.get(key)
      if (rule === undefined) {
        report(i, key, 'a declared field', describeValue(value), `unknown field (collection "${schema.name}" does not declare it)`)
        continue
      }
      if (rule.refuse !== undefined || rule.column === undefined || rule.normalize === undefined) {
        report(i, key, 'no value', describeValue(value), rule.refuse ?? 'cannot be written')
        continue
      }
      const column = rule.column
      if (value === null) {
        if (column.required) {
          const expected = `${expectedLabel(column, schema)} (required)`
          report(i, key, expected, 'null', `expected ${expected}, got null`)
        } else row[key] = null
        continue
      }
      try {
        row[key] = rule.normalize(value)
      } catch (e) {
        if (!(e instanceof InvalidValue)) throw e
        const got = describeValue(e.value)
        const note = e.note === undefined ? '' : ` (${e.note})`
        report(i, fieldPath(key, e.path), e.expected, got, `expected ${e.expected}, got ${got}${note}`)
      }
    }
    if (!partial) {
      for (const column of declared) {
        if (record[column.name] !== undefined) continue
        if (column.required) {
          const expected = `${expectedLabel(column, schema)} (required)`
          report(i, column.name, expected, 'nothing', `expected ${expected}, got nothing`)
        } else row[column.name] = null
      }
    }
    out[i] = row
  }

  const first = issues[0]
  if (first !== undefined) {
    const more = issueCount > 1 ? ` (${issueCount - 1} more invalid value${issueCount > 2 ? 's' : ''}, ${badRows.size} bad row${badRows.size > 1 ? 's' : ''} in the batch)` : ''
    throw new ParqueDBError('VALIDATION', first.message + more, {
      collection: schema.name,
      row: first.row,
      field: first.field,
      expected: first.expected,
      got: first.got,
      errorCount: issueCount,
      badRowCount: badRows.size,
      errors: issues,
    })
  }
  return out
}
