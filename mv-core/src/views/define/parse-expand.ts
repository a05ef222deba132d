import { isPlainObject } from '../../query/is-plain-object.ts'
import { describeValue } from '../../schema/describe-value.ts'
import { viewError, type ViewSite } from './view-error.ts'

/** `$expand` and `$flatten`, checked for shape; the hops are checked when the paths are expanded (RowShape). */
export interface ExpandDirectives {
  readonly paths: readonly string[]
  readonly flatten: Readonly<Record<string, string>>
}

/**
 * Validates the shape of `$expand` (a list of distinct relation paths) and `$flatten` (expand
 * path → column prefix, for listed paths only, each prefix used once).
 *
 * @example
 * parseExpand('OrderAnalytics', ['customer', 'items.product'], { customer: 'buyer' })
 * // { paths: ['customer', 'items.product'], flatten: { customer: 'buyer' } }
 */
export function parseExpand(view: string, expand: unknown, flatten: unknown): ExpandDirectives {
  const paths: string[] = []
  if (expand !== undefined) {
    if (!Array.isArray(expand)) throw viewError({ view, directive: '$expand' }, `expected a list of relation paths such as ['customer', 'items.product'], got ${describeValue(expand)}`)
    for (const [index, path] of (expand as readonly unknown[]).entries()) {
      if (typeof path !== 'string') throw viewError({ view, directive: '$expand', key: String(index) }, `expected a relation path such as 'customer', got ${describeValue(path)}`)
      if (paths.includes(path)) throw viewError({ view, directive: '$expand', key: path }, 'is listed twice')
      paths.push(path)
    }
  }
  const renames: Record<string, string> = {}
  if (flatten !== undefined) {
    if (!isPlainObject(flatten)) throw viewError({ view, directive: '$flatten' }, `expected an object of expand path → prefix such as { customer: 'buyer' }, got ${describeValue(flatten)}`)
    const owners = new Map<string, string>()
    for (const [path, prefix] of Object.entries(flatten)) {
      const site: ViewSite = { view, directive: '$flatten', key: path }
      if (!paths.includes(path)) throw viewError(site, `"${path}" is not one of $expand's paths (${paths.length === 0 ? 'there are none' : paths.join(', ')})`)
      if (typeof prefix !== 'string' || prefix === '' || prefix.includes('.') || prefix.startsWith('$') || prefix === '__proto__') {
        throw viewError(site, `expected a column prefix such as 'buyer' (no '.', no leading '$'), got ${describeValue(prefix)}`)
      }
      const owner = owners.get(prefix)
      if (owner !== undefined) throw viewError(site, `prefix "${prefix}" is also given to "${owner}"`)
      owners.set(prefix, path)
      // Paths are checked against relations later; a '__proto__' key must stay data until then.
      Object.defineProperty(renames, path, { value: prefix, enumerable: true, writable: true, configurable: true })
    }
  }
  return { paths, flatten: Object.freeze(renames) }
}
