import { isValidPath } from '../../query/get-path.ts'
import { isPlainObject } from '../../query/is-plain-object.ts'
import { fieldReferencePath } from '../expressions/field-reference.ts'

/**
 * An expression with every field reference ('$customer.tier') passed through `rewrite`, which
 * returns the path to read instead ('customer_tier'). `$literal` operands are values, not
 * references, and stay as they are. Parts that do not change are returned as they are.
 *
 * @example
 * rewriteReferences({ $eq: ['$customer.tier', 'gold'] }, (path) => path.replace('.', '_')) // { $eq: ['$customer_tier', 'gold'] }
 */
export function rewriteReferences(expression: unknown, rewrite: (path: string) => string): unknown {
  if (typeof expression === 'string') {
    const path = fieldReferencePath(expression)
    if (path === undefined || !isValidPath(path)) return expression
    const replaced = rewrite(path)
    return replaced === path ? expression : `$${replaced}`
  }
  if (Array.isArray(expression)) {
    const items = expression as readonly unknown[]
    const rewritten = items.map((item) => rewriteReferences(item, rewrite))
    return rewritten.every((item, index) => item === items[index]) ? expression : rewritten
  }
  if (isPlainObject(expression)) {
    let changed = false
    const out: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(expression)) {
      const rewritten = key === '$literal' ? value : rewriteReferences(value, rewrite)
      if (rewritten !== value) changed = true
      Object.defineProperty(out, key, { value: rewritten, enumerable: true, writable: true, configurable: true })
    }
    return changed ? out : expression
  }
  return expression
}
