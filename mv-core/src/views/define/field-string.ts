import type { Field, RelationField, ScalarField } from '../../schema/types.ts'

/**
 * Field strings for a view's output schema, rebuilt from parsed fields rather than edited as
 * text, so 'decimal( 10 , 2 )!' and 'decimal(10,2)!' give the same result.
 */

/** A stored field: a scalar, or a forward relation (stored as the target's $id). */
export type StoredField = ScalarField | (RelationField & { readonly direction: 'forward' })

/** The type part of a scalar field string: 'decimal(10,2)', 'variant'. */
function typeName(field: ScalarField): string {
  return field.kind === 'decimal' ? `decimal(${field.precision ?? 38},${field.scale ?? 0})` : field.kind
}

/**
 * The field's type, optional: 'decimal(10,2)!' → 'decimal(10,2)?', 'string[]' → 'string[]?',
 * '-> Customer!' → '-> Customer?'.
 *
 * @example
 * optionalFieldString({ name: 'total', kind: 'decimal', precision: 10, scale: 2, required: true, array: false, source: 'decimal(10,2)!' }) // 'decimal(10,2)?'
 */
export function optionalFieldString(field: StoredField): string {
  if (field.kind === 'relation') return `-> ${field.target}${field.many ? '[]' : ''}?`
  return `${typeName(field)}${field.array ? '[]' : ''}?`
}

/**
 * The type of one element of a list field, optional: 'variant[]' → 'variant?', '-> Tag[]' →
 * '-> Tag?'.
 *
 * @example
 * elementFieldString({ name: 'tags', kind: 'string', required: false, array: true, source: 'string[]' }) // 'string?'
 */
export function elementFieldString(field: StoredField): string {
  if (field.kind === 'relation') return `-> ${field.target}?`
  return `${typeName(field)}?`
}

/** The element of a list field as a field of its own (what `$unnest` leaves in the row). */
export function elementField(field: StoredField): StoredField {
  if (field.kind === 'relation') return Object.freeze({ ...field, many: false, required: false, source: elementFieldString(field) })
  return Object.freeze({ ...field, array: false, required: false, source: elementFieldString(field) })
}

/** True for a field stored in the row: scalars and forward relations. */
export function isStoredField(field: Field | undefined): field is StoredField {
  return field !== undefined && (field.kind !== 'relation' || field.direction === 'forward')
}

/** True for a field that holds a list: 'string[]', 'variant[]', '-> Tag[]'. */
export function isListField(field: StoredField): boolean {
  return field.kind === 'relation' ? field.many : field.array
}
