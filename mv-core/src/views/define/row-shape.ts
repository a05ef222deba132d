import { isArrayIndex } from '../../query/get-path.ts'
import type { CollectionSchema } from '../../schema/types.ts'
import { SYSTEM_FIELDS } from '../../schema/types.ts'
import { planExpandPath } from './expand-path.ts'
import { elementField, elementFieldString, isListField, isStoredField, optionalFieldString, type StoredField } from './field-string.ts'
import type { ExpandColumn, ExpandPlan, ViewCatalog } from './types.ts'
import { viewError, viewWarning, type ViewSite } from './view-error.ts'

/** A top-level field of the working row: what `$select`, `$groupBy` and `$compute` read. */
export interface WorkingColumn {
  readonly name: string
  /** Its type. For expanded columns this is the target's field (whose name differs). */
  readonly field: StoredField
  /** Its field string when a view without `$select` copies it to its output. */
  readonly copyString: string
  /** The source columns its value comes from (for the projection). */
  readonly sourceFields: readonly string[]
  readonly origin: 'source' | 'unnest' | 'expand'
}

/** A field reference resolved against the working row. */
export interface ResolvedReference {
  /** The working-row path to read: 'event.request.url', or 'customer_tier' for 'customer.tier'. */
  readonly path: string
  /** The column the path starts at; undefined for a field the row does not have (it reads as null). */
  readonly column?: WorkingColumn
  /** The path goes below the column ('event.request.url', 'exceptions.0'). */
  readonly nested: boolean
  /** The output field string of the value read: the column's type made optional, 'variant?' for nested JSON or unknown fields. */
  readonly fieldString: string
}

const SYSTEM: readonly string[] = SYSTEM_FIELDS

/**
 * The working row of a view: the source row after `$unnest` and `$expand`. It resolves field
 * references against it and notes what they read. A path through relations ('customer.tier',
 * 'items.product.sku') reads the column the matching expansion adds ('customer_tier'); when the
 * path is not in `$expand` it is expanded implicitly, as long as that does not change how many
 * rows the view sees (only to-one hops, or the fan-out the view already has).
 *
 * @example
 * const shape = new RowShape('OrderMetrics', order, catalog, undefined, {})
 * shape.resolve('customer.tier', { view: 'OrderMetrics', directive: '$groupBy', key: 'customer_tier' }).path // 'customer_tier'
 */
export class RowShape {
  readonly view: string
  readonly source: CollectionSchema
  readonly columns = new Map<string, WorkingColumn>()
  readonly warnings: string[] = []
  readonly #catalog: ViewCatalog
  readonly #unnested: string | undefined
  readonly #flatten: Readonly<Record<string, string>>
  readonly #expansions = new Map<string, ExpandPlan>()
  /** The path prefix every fanning-out expansion shares ('items'). */
  #fanOut: string | undefined

  constructor(view: string, source: CollectionSchema, catalog: ViewCatalog, unnested: string | undefined, flatten: Readonly<Record<string, string>>) {
    this.view = view
    this.source = source
    this.#catalog = catalog
    this.#unnested = unnested
    this.#flatten = flatten
    for (const column of source.columns) {
      const declared = source.byName.get(column.name)
      const field: StoredField = isStoredField(declared) ? declared : column
      if (column.name === unnested) {
        const element = elementField(field)
        this.columns.set(column.name, { name: column.name, field: element, copyString: element.source, sourceFields: [column.name], origin: 'unnest' })
      } else {
        this.columns.set(column.name, { name: column.name, field, copyString: field.source, sourceFields: [column.name], origin: 'source' })
      }
    }
  }

  /** Every expansion, explicit ones first, in the order they were added. */
  get expansions(): readonly ExpandPlan[] {
    return [...this.#expansions.values()]
  }

  /**
   * Adds an `$expand` path: validates its hops, and adds one working column per stored field of
   * its target. Throws when a column name is taken or the path fans out over a second relation.
   */
  expand(path: string, site: ViewSite, implicit: boolean, reference?: string): ExpandPlan {
    const existing = this.#expansions.get(path)
    if (existing !== undefined) return existing
    const planned = planExpandPath(site, path, this.source, this.#catalog, this.#unnested)
    if (planned.fanOut !== undefined && planned.fanOut !== this.#fanOut) {
      const many = planned.steps.find((step) => step.many)?.target ?? 'related'
      if (this.#fanOut !== undefined) {
        throw viewError(site, `"${path}" reaches many ${many} rows through "${planned.fanOut}", but the view already fans out over "${this.#fanOut}"; a view fans out over one relation only`)
      }
      if (implicit) {
        // Fanning out changes what every other column and aggregate sees: it must be asked for.
        throw viewError(site, `"${reference ?? path}" reads through "${planned.fanOut}", which reaches many ${many} rows; list "${planned.fanOut}" in $expand to give the view one row per ${many}`)
      }
    }
    if (planned.fanOut !== undefined) this.#fanOut = planned.fanOut
    this.warnings.push(...planned.warnings)
    const prefix = this.#prefixOf(path)
    const root = planned.steps[0]
    const rootFields = root === undefined ? [] : root.direction === 'forward' ? [root.field] : ['$id']
    const columns: ExpandColumn[] = []
    for (const stored of planned.target.columns) {
      if (SYSTEM.includes(stored.name)) continue
      const declared = planned.target.byName.get(stored.name)
      const field: StoredField = isStoredField(declared) ? declared : stored
      const name = `${prefix}_${stored.name}`
      const taken = this.columns.get(name)
      if (taken !== undefined) {
        const owner = taken.origin === 'expand' ? `a column of another expansion` : `field "${name}" of ${this.source.name}`
        const rename = Object.hasOwn(this.#flatten, path) ? '' : `; rename the prefix with $flatten: { '${path}': '...' }`
        throw viewError(site, `column "${name}" (${planned.target.name}.${stored.name}) collides with ${owner}${rename}`)
      }
      const copyString = optionalFieldString(field)
      this.columns.set(name, { name, field, copyString, sourceFields: rootFields, origin: 'expand' })
      columns.push(Object.freeze({ name, field: stored.name }))
    }
    const plan: ExpandPlan = Object.freeze({ path, steps: Object.freeze([...planned.steps]), prefix, columns: Object.freeze(columns), implicit })
    this.#expansions.set(path, plan)
    return plan
  }

  /** The column prefix of a path: its `$flatten` name, else its nearest flattened ancestor's name plus the rest, else the path with '_'. */
  #prefixOf(path: string): string {
    const segments = path.split('.')
    for (let length = segments.length; length > 0; length--) {
      const ancestor = segments.slice(0, length).join('.')
      if (Object.hasOwn(this.#flatten, ancestor)) return [this.#flatten[ancestor], ...segments.slice(length)].join('_')
    }
    return segments.join('_')
  }

  /**
   * Resolves a field path as written in a reference ('$event.request.url' without its '$').
   * Unknown fields and unstored reverse relations resolve to themselves (they read as null)
   * with a warning; paths that can never hold a value (into a string, into a list without an
   * index) throw.
   */
  resolve(path: string, site: ViewSite): ResolvedReference {
    const segments = path.split('.')
    const first = segments[0] as string
    const column = this.columns.get(first)
    if (column !== undefined) {
      if (segments.length === 1) return { path, column, nested: false, fieldString: optionalFieldString(column.field) }
      if (column.field.kind === 'relation' && column.origin !== 'expand' && !(column.field.many && isArrayIndex(segments[1] as string))) {
        return this.#throughRelations(path, segments, site)
      }
      return { path, column, nested: true, fieldString: nestedFieldString(column, segments.slice(1), path, site) }
    }
    const declared = this.source.byName.get(first)
    if (declared?.kind === 'relation' && declared.direction === 'reverse') {
      if (segments.length > 1) return this.#throughRelations(path, segments, site)
      this.warnings.push(
        viewWarning(site, `"${first}" is a reverse relation of ${this.source.name} (${declared.source.trim()}), which is not stored, so it reads as null; read the related fields instead ("${first}.<field>")`),
      )
      return { path, nested: false, fieldString: 'variant?' }
    }
    this.warnings.push(viewWarning(site, `field "${first}" is not a column of ${this.source.name}, so it reads as null`))
    return { path, nested: segments.length > 1, fieldString: 'variant?' }
  }

  /** 'customer.tier' → the 'customer_tier' column of the 'customer' expansion. */
  #throughRelations(path: string, segments: readonly string[], site: ViewSite): ResolvedReference {
    const hops: string[] = []
    let current: CollectionSchema | undefined = this.source
    let index = 0
    while (current !== undefined && index < segments.length - 1) {
      const field = current.byName.get(segments[index] as string)
      if (field?.kind !== 'relation') break
      hops.push(segments[index] as string)
      current = this.#catalog.collections.get(field.target)
      index++
    }
    const expansion = this.expand(hops.join('.'), site, true, path)
    const target = this.#catalog.collections.get(expansion.steps[expansion.steps.length - 1]?.target ?? '') as CollectionSchema
    const name = segments[index] as string
    const field = target.byName.get(name)
    const via = `"${path}" reads ${target.name}.${name}`
    if (field === undefined) throw viewError(site, `${via}, but ${target.name} has no field "${name}"`)
    if (SYSTEM.includes(name)) throw viewError(site, `${via}, a system column; expansions add ${target.name}'s declared fields only`)
    if (!isStoredField(field)) throw viewError(site, `${via}, a reverse relation, which is not stored`)
    const column = this.columns.get(`${expansion.prefix}_${name}`) as WorkingColumn
    const rest = segments.slice(index + 1)
    const resolved = [column.name, ...rest].join('.')
    if (rest.length === 0) return { path: resolved, column, nested: false, fieldString: optionalFieldString(column.field) }
    return { path: resolved, column, nested: true, fieldString: nestedFieldString(column, rest, path, site) }
  }
}

/** The type of a path below a column: JSON inside variants, one element of a list by index. */
function nestedFieldString(column: WorkingColumn, rest: readonly string[], path: string, site: ViewSite): string {
  const { field } = column
  const type = field.source.trim()
  if (isListField(field)) {
    if (!isArrayIndex(rest[0] as string)) {
      throw viewError(site, `"${path}" reads into the list "${column.name}" (${type}) without an element index; write "${column.name}.0.${rest.join('.')}" for the first element, or $unnest: '${column.name}' for one row per element`)
    }
    if (rest.length === 1) return elementFieldString(field)
    if (field.kind === 'variant') return 'variant?'
    throw viewError(site, `"${path}" reads into an element of "${column.name}" (${type}), which has no nested values`)
  }
  if (field.kind === 'variant') return 'variant?'
  throw viewError(site, `"${path}" reads into "${column.name}" (${type}), which has no nested values; only variant fields do`)
}
