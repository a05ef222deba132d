import { describeValue } from '../../schema/describe-value.ts'
import type { CollectionSchema } from '../../schema/types.ts'
import { elementFieldString, isListField, isStoredField } from './field-string.ts'
import type { UnnestPlan } from './types.ts'
import { viewError, type ViewSite } from './view-error.ts'

/**
 * Validates `$unnest`: a top-level stored list field of the source ('logs' of 'variant[]'),
 * which then holds one element per output row.
 *
 * @example
 * parseUnnest('WorkerLogs', 'logs', tailEvents) // { field: 'logs', element: 'variant?' }
 */
export function parseUnnest(view: string, unnest: unknown, schema: CollectionSchema): UnnestPlan | undefined {
  if (unnest === undefined) return undefined
  const site: ViewSite = { view, directive: '$unnest' }
  const lists = schema.columns.filter((column) => column.array).map((column) => column.name)
  const listed = lists.length === 0 ? `${schema.name} has no list fields` : `list fields of ${schema.name}: ${lists.join(', ')}`
  if (typeof unnest !== 'string' || unnest === '') throw viewError(site, `expected the name of a list field, got ${describeValue(unnest)} (${listed})`)
  const field = schema.byName.get(unnest)
  if (field === undefined) {
    const hint = unnest.includes('.') ? '; $unnest takes a top-level field' : ''
    throw viewError(site, `"${unnest}" is not a field of ${schema.name}${hint} (${listed})`)
  }
  if (!isStoredField(field)) throw viewError(site, `"${unnest}" is a reverse relation (${field.source.trim()}), which is not stored; $expand it instead`)
  if (!isListField(field)) throw viewError(site, `"${unnest}" is ${field.source.trim()}, not a list (${listed})`)
  return { field: unnest, element: elementFieldString(field) }
}

