import { ParqueDBError } from '../../errors.ts'
import { parseSchema } from '../../schema/parse-schema.ts'
import type { CollectionSchema } from '../../schema/types.ts'
import { SYSTEM_FIELDS } from '../../schema/types.ts'
import { STATE_COLUMN } from './output-name.ts'
import type { OutputColumn } from './parse-select.ts'
import type { RowShape } from './row-shape.ts'
import { viewError } from './view-error.ts'

export interface OutputShape {
  readonly schema: CollectionSchema
  readonly outputFields: readonly string[]
  readonly hiddenFields: readonly string[]
}

/** What the view outputs, by the kind of view. */
export type OutputSpec =
  | { readonly kind: 'copy'; readonly shape: RowShape }
  | { readonly kind: 'select'; readonly columns: readonly OutputColumn[] }
  | { readonly kind: 'groups'; readonly columns: readonly OutputColumn[] }

const SYSTEM: readonly string[] = SYSTEM_FIELDS

/**
 * The schema of a view's own table, parsed from the field strings the view produces:
 * - without `$select`, every stored source field with its own field string (the `$unnest` field
 *   as one element, optional), then the expanded columns (optional);
 * - with `$select`, its fields;
 * - grouped views: the group keys, the aggregates, and the hidden '_state' column ('variant?').
 * The table's system columns ($id, createdAt, updatedAt) come first, as in every table.
 *
 * @example
 * inferOutputSchema('WorkerLogs', 'WorkerLogs', { kind: 'select', columns: [{ name: 'level', fieldString: 'variant?' }] }).outputFields // ['level']
 */
export function inferOutputSchema(view: string, typeName: string, spec: OutputSpec): OutputShape {
  const columns: OutputColumn[] =
    spec.kind === 'copy'
      ? [...spec.shape.columns.values()].filter((column) => !SYSTEM.includes(column.name)).map((column) => ({ name: column.name, fieldString: column.copyString }))
      : [...spec.columns]
  const hiddenFields = spec.kind === 'groups' ? [STATE_COLUMN] : []
  const definition: Record<string, string> = { $type: typeName }
  for (const column of columns) definition[column.name] = column.fieldString
  for (const name of hiddenFields) definition[name] = 'variant?'
  let schema: CollectionSchema
  try {
    schema = parseSchema(view, definition)
  } catch (error) {
    // Names and field strings were checked already; reaching this is a bug worth seeing plainly.
    if (!ParqueDBError.isInstance(error)) throw error
    throw viewError({ view }, `cannot build the output schema: ${error.message}`, {}, error)
  }
  return { schema, outputFields: Object.freeze(columns.map((column) => column.name)), hiddenFields: Object.freeze(hiddenFields) }
}
