import type { CollectionSchema, RelationField } from '../../schema/types.ts'
import type { ExpandStep, ViewCatalog } from './types.ts'
import { viewError, viewWarning, type ViewSite } from './view-error.ts'

/** How deep `$expand` may go: 'items.product.category'. */
export const MAX_EXPAND_DEPTH = 3

/** A validated relation path. */
export interface ExpandPath {
  readonly steps: readonly ExpandStep[]
  /** The collection the last hop reaches. */
  readonly target: CollectionSchema
  /** The leading part of the path that ends at its first `many` hop ('items'), if any. */
  readonly fanOut?: string
  readonly warnings: readonly string[]
}

/**
 * Follows a relation path ('items.product') from the source, checking every hop against the
 * catalog: each segment must be a relation of the collection reached so far, and each target a
 * known collection. A reverse hop needs the forward relation on its target that points back
 * (named with '<- OrderItem.order[]', or the only one there is); when there is none the hop
 * can find nothing, which is reported as a warning rather than an error.
 *
 * @example
 * planExpandPath({ view: 'V', directive: '$expand', key: 'items.product' }, 'items.product', order, catalog)
 * // { steps: [{ field: 'items', direction: 'reverse', from: 'Order', target: 'OrderItem', many: true, via: 'order' }, { field: 'product', ... }], fanOut: 'items', ... }
 */
export function planExpandPath(
  site: ViewSite,
  path: string,
  source: CollectionSchema,
  catalog: ViewCatalog,
  unnested: string | undefined,
): ExpandPath {
  const segments = path.split('.')
  if (segments.some((segment) => segment === '')) throw viewError(site, `invalid path ${JSON.stringify(path)}: expected relation names joined by '.', such as 'items.product'`)
  if (segments.length > MAX_EXPAND_DEPTH) {
    throw viewError(site, `${JSON.stringify(path)} is ${segments.length} relations deep; $expand goes at most ${MAX_EXPAND_DEPTH} levels`)
  }
  const steps: ExpandStep[] = []
  const warnings: string[] = []
  let current = source
  let fanOut: string | undefined
  for (const [index, segment] of segments.entries()) {
    const field = current.byName.get(segment)
    const where = index === 0 ? `${current.name}` : `${current.name} (reached by "${segments.slice(0, index).join('.')}")`
    if (field === undefined) {
      const relations = current.fields.filter((f) => f.kind === 'relation').map((f) => f.name)
      const known = relations.length === 0 ? `${current.name} has no relations` : `relations of ${current.name}: ${relations.join(', ')}`
      throw viewError(site, `"${segment}" is not a field of ${where}; ${known}`)
    }
    if (field.kind !== 'relation') throw viewError(site, `"${segment}" of ${where} is ${field.source.trim()}, not a relation ('-> Target' or '<- Target[]'), so it cannot be expanded`)
    const target = catalog.collections.get(field.target)
    if (target === undefined) throw viewError(site, `"${segment}" of ${current.name} points to ${field.target}, which is not a collection of this database`)
    const many = field.direction === 'reverse' ? field.many : field.many && !(index === 0 && segment === unnested)
    const step: { -readonly [K in keyof ExpandStep]: ExpandStep[K] } = { field: segment, direction: field.direction, from: current.name, target: target.name, many }
    if (field.direction === 'reverse') {
      const via = backPointer(site, field, current, target, warnings)
      if (via !== undefined) step.via = via
    }
    steps.push(Object.freeze(step))
    if (many) {
      if (fanOut !== undefined) {
        throw viewError(site, `"${path}" reaches many entities twice ("${fanOut}" and "${segments.slice(0, index + 1).join('.')}"); a view fans out over one relation only`)
      }
      fanOut = segments.slice(0, index + 1).join('.')
    }
    current = target
  }
  return { steps, target: current, ...(fanOut === undefined ? {} : { fanOut }), warnings }
}

/** The forward relation on `target` that a reverse relation of `from` is computed from. */
function backPointer(site: ViewSite, field: RelationField, from: CollectionSchema, target: CollectionSchema, warnings: string[]): string | undefined {
  if (field.via !== undefined) {
    const via = target.byName.get(field.via)
    if (via === undefined || via.kind !== 'relation' || via.direction !== 'forward' || via.target !== from.name) {
      throw viewError(site, `"${field.name}" of ${from.name} is ${field.source.trim()}, but ${target.name}.${field.via} is not a relation to ${from.name} ('-> ${from.name}')`)
    }
    return field.via
  }
  const candidates = target.fields.filter((f) => f.kind === 'relation' && f.direction === 'forward' && f.target === from.name).map((f) => f.name)
  if (candidates.length === 1) return candidates[0]
  if (candidates.length > 1) {
    throw viewError(
      site,
      `"${field.name}" of ${from.name} is ${field.source.trim()}, and ${target.name} has several relations to ${from.name} (${candidates.join(', ')}); name one, as in '<- ${target.name}.${candidates[0]}[]'`,
    )
  }
  warnings.push(
    viewWarning(site, `"${field.name}" of ${from.name} is ${field.source.trim()}, but ${target.name} has no relation to ${from.name} ('-> ${from.name}'), so it reaches no ${target.name} rows`),
  )
  return undefined
}
