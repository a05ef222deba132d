import { isPlainObject } from '../../query/is-plain-object.ts'
import { fieldReferencePath } from './field-reference.ts'

/**
 * The top-level source fields an expression reads, in first-use order without repeats: the
 * columns to project and to check against the source schema. It walks any input without
 * throwing; validate with compileExpression.
 *
 * @example
 * expressionFields({ $cond: [{ $exists: '$error.message' }, '$status', { $literal: '$x' }] }) // ['error', 'status']
 */
export function expressionFields(expression: unknown): string[] {
  const fields = new Set<string>()
  collect(expression, fields)
  return [...fields]
}

function collect(expression: unknown, fields: Set<string>): void {
  if (typeof expression === 'string') {
    const path = fieldReferencePath(expression)
    const field = path?.split('.')[0]
    if (field !== undefined && field !== '') fields.add(field)
  } else if (Array.isArray(expression)) {
    for (const item of expression as unknown[]) collect(item, fields)
  } else if (isPlainObject(expression)) {
    for (const [key, value] of Object.entries(expression)) if (key !== '$literal') collect(value, fields)
  }
}
