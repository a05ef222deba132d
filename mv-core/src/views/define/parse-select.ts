import { isPlainObject } from '../../query/is-plain-object.ts'
import { describeValue } from '../../schema/describe-value.ts'
import { compileExpression } from '../expressions/compile-expression.ts'
import { expressionFields } from '../expressions/expression-fields.ts'
import { OutputNames } from './output-name.ts'
import { rewriteReferences } from './rewrite-references.ts'
import type { RowShape } from './row-shape.ts'
import type { SelectField } from './types.ts'
import { siteLabel, viewError, withViewDetails, type ViewSite } from './view-error.ts'

/** An output column and its field string. */
export interface OutputColumn {
  readonly name: string
  readonly fieldString: string
}

export interface ParsedSelect {
  readonly fields: readonly SelectField[]
  readonly outputs: readonly OutputColumn[]
}

/**
 * Compiles `$select: { name: expression }` against the working row. A plain reference
 * ('$scriptName', '$customer.tier') keeps the type of what it reads, made optional; dotted
 * paths into JSON and computed expressions are 'variant?'.
 *
 * @example
 * parseSelect(shape, { level: '$logs.level', scriptName: '$scriptName' }).outputs
 * // [{ name: 'level', fieldString: 'variant?' }, { name: 'scriptName', fieldString: 'string?' }]
 */
export function parseSelect(shape: RowShape, select: unknown): ParsedSelect {
  const view = shape.view
  if (!isPlainObject(select)) {
    throw viewError({ view, directive: '$select' }, `expected an object of output fields such as { level: '$logs.level' }, got ${describeValue(select)}`)
  }
  const entries = Object.entries(select)
  if (entries.length === 0) throw viewError({ view, directive: '$select' }, 'selects no fields; omit $select to keep every source field')
  const names = new OutputNames(false)
  const fields: SelectField[] = []
  const outputs: OutputColumn[] = []
  for (const [name, expression] of entries) {
    const site: ViewSite = { view, directive: '$select', key: name }
    names.claim(name, site, `$select.${name}`)
    // Validate as written first, so a malformed expression is reported before its references.
    withViewDetails(site, () => compileExpression(expression, { label: siteLabel(site) }))
    // Only a bare reference keeps a type; anything computed is stored as JSON.
    let fieldString = 'variant?'
    const rewritten = rewriteReferences(expression, (path) => {
      const resolved = shape.resolve(path, site)
      if (typeof expression === 'string') fieldString = resolved.fieldString
      return resolved.path
    })
    const evaluate = withViewDetails(site, () => compileExpression(rewritten, { label: siteLabel(site) }))
    fields.push(Object.freeze({ name, evaluate, fields: Object.freeze(expressionFields(rewritten)) }))
    outputs.push(Object.freeze({ name, fieldString }))
  }
  return { fields, outputs }
}
