import { isPlainObject } from '../../query/is-plain-object.ts'
import { describeValue } from '../../schema/describe-value.ts'
import { compileAggregate } from '../aggregates/compile-aggregate.ts'
import { copyDefinition } from './copy-definition.ts'
import { checkKeys } from './parse-view.ts'
import { viewError } from './view-error.ts'

/** A view definition: `$from` and the other directives (see docs/design/views.md). */
export interface ViewDefinition {
  readonly $from: string
  readonly $type?: string
  readonly [directive: `$${string}`]: unknown
}

/**
 * A standalone view definition, checked as far as it can be without its source (directive names,
 * `$from`, `$type`, the `$compute` operators) and frozen, to put into any database's schema under
 * a name of your choosing, or to register in an open one. What needs the source (fields,
 * relations, cycles) is checked when a database takes it in. Errors name the view (`$type`, or
 * "(defineView)") and the directive.
 *
 * @example
 * export const OrderAnalytics = defineView({ $from: 'Order', $expand: ['customer'], $flatten: { customer: 'buyer' } })
 * const db = await Database.open({ storage, schema: { Order: { ... }, OrderAnalytics } })
 */
export function defineView<const T extends ViewDefinition>(definition: T): Readonly<T> {
  const label = isPlainObject(definition) && typeof definition.$type === 'string' && definition.$type.trim() !== '' ? definition.$type : '(defineView)'
  if (!isPlainObject(definition)) throw viewError({ view: label }, `definition must be an object of directives such as { $from: 'Order' }, got ${describeValue(definition)}`)
  checkKeys(label, definition)
  const from = definition.$from
  if (typeof from !== 'string' || from.trim() === '') throw viewError({ view: label, directive: '$from' }, `expected the name of a collection or view, got ${describeValue(from)}`)
  if (Object.hasOwn(definition, '$type') && (typeof definition.$type !== 'string' || definition.$type.trim() === '')) {
    throw viewError({ view: label, directive: '$type' }, `expected a non-empty string, got ${describeValue(definition.$type)}`)
  }
  const compute = definition.$compute
  if (compute !== undefined) {
    if (!isPlainObject(compute)) throw viewError({ view: label, directive: '$compute' }, `expected an object of named aggregates, got ${describeValue(compute)}`)
    for (const [name, spec] of Object.entries(compute)) compileAggregate(spec, { label: `view "${label}": $compute.${name}` })
  }
  return copyDefinition(label, definition) as Readonly<T>
}
