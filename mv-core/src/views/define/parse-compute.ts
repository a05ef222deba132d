import { isValidPath } from '../../query/get-path.ts'
import { isPlainObject } from '../../query/is-plain-object.ts'
import { describeValue } from '../../schema/describe-value.ts'
import { compileAggregate } from '../aggregates/compile-aggregate.ts'
import type { Aggregate } from '../aggregates/types.ts'
import type { OutputNames } from './output-name.ts'
import type { OutputColumn } from './parse-select.ts'
import { rewriteReferences } from './rewrite-references.ts'
import type { ResolvedReference, RowShape } from './row-shape.ts'
import type { ComputeField } from './types.ts'
import { siteLabel, viewError, withViewDetails, type ViewSite } from './view-error.ts'

/** Digits enough for any sum of decimals: Parquet's widest DECIMAL. */
const SUM_PRECISION = 38

export interface ParsedCompute {
  readonly fields: readonly ComputeField[]
  readonly outputs: readonly OutputColumn[]
}

/**
 * Compiles `$compute: { name: aggregate }` with compileAggregate, after resolving the field
 * paths it reads against the working row ('items.price' through a relation reads
 * 'items_price'). Output types:
 * - `$count` → 'double!' (never null; counts are exact integers in doubles up to 2^53);
 * - `$sum` → 'double?'; of a decimal(p,s) field 'decimal(38,s)?', summed exactly on unscaled
 *   integers; of a bigint field 'bigint?' (a sum of bigints stays a bigint);
 * - `$avg`, `$stddev`, `$variance`, `$percentile` → 'double?';
 * - `$min`, `$max`, `$first`, `$last` → the field's type, optional; 'variant?' for JSON paths
 *   and expressions.
 *
 * @example
 * parseCompute(shape, { revenue: { $sum: 'total' } }, names).outputs // [{ name: 'revenue', fieldString: 'decimal(38,2)?' }]
 */
export function parseCompute(shape: RowShape, compute: unknown, names: OutputNames): ParsedCompute {
  const view = shape.view
  if (!isPlainObject(compute)) {
    throw viewError({ view, directive: '$compute' }, `expected an object of named aggregates such as { requests: { $count: '*' } }, got ${describeValue(compute)}`)
  }
  const entries = Object.entries(compute)
  if (entries.length === 0) throw viewError({ view, directive: '$compute' }, 'computes nothing; omit $compute to keep only the distinct group keys')
  const fields: ComputeField[] = []
  const outputs: OutputColumn[] = []
  for (const [name, spec] of entries) {
    const site: ViewSite = { view, directive: '$compute', key: name }
    names.claim(name, site, `$compute.${name}`)
    const label = siteLabel(site)
    // Validate as written first, so a malformed aggregate is reported before its references.
    const checked = withViewDetails(site, () => compileAggregate(spec, { label }))
    const { rewritten, input } = resolveInput(shape, spec as Record<string, unknown>, checked.op, site)
    const scale = decimalScaleOf(input, checked.op)
    const aggregate: Aggregate = withViewDetails(site, () => compileAggregate(rewritten, { label, ...(scale === undefined ? {} : { decimalScale: scale }) }))
    Object.freeze(aggregate.fields)
    fields.push(Object.freeze({ name, aggregate: Object.freeze(aggregate) }))
    outputs.push(Object.freeze({ name, fieldString: outputType(checked.op, input, scale) }))
  }
  return { fields, outputs }
}

/** The spec with its references resolved, and what a plain field-path input resolved to. */
function resolveInput(shape: RowShape, spec: Record<string, unknown>, op: string, site: ViewSite): { rewritten: unknown; input: ResolvedReference | undefined } {
  const argument = spec[op]
  let input: ResolvedReference | undefined
  const rewriteInput = (value: unknown): unknown => {
    if (typeof value === 'string') {
      // A field path without '$' (the system field '$id' keeps its '$').
      if (value === '*' || !isValidPath(value)) return value
      input = shape.resolve(value, site)
      return input.path
    }
    return rewriteReferences(value, (path) => shape.resolve(path, site).path)
  }
  if (op === '$percentile' && Array.isArray(argument)) {
    const [value, q] = argument as readonly unknown[]
    return { rewritten: { [op]: [rewriteInput(value), q] }, input }
  }
  const rewritten = { [op]: rewriteInput(argument) }
  return { rewritten, input }
}

/** `$sum` and `$avg` of a decimal column add unscaled integers exactly (see the aggregates' sum.ts). */
function decimalScaleOf(input: ResolvedReference | undefined, op: string): number | undefined {
  if (op !== '$sum' && op !== '$avg') return undefined
  if (input?.column === undefined || input.nested) return undefined
  const field = input.column.field
  return field.kind === 'decimal' && !field.array ? (field.scale ?? 0) : undefined
}

function outputType(op: string, input: ResolvedReference | undefined, scale: number | undefined): string {
  switch (op) {
    case '$count':
      return 'double!'
    case '$sum': {
      if (scale !== undefined) return `decimal(${SUM_PRECISION},${scale})?`
      const field = input !== undefined && !input.nested ? input.column?.field : undefined
      return field?.kind === 'bigint' && !field.array ? 'bigint?' : 'double?'
    }
    case '$min':
    case '$max':
    case '$first':
    case '$last':
      return input?.fieldString ?? 'variant?'
    default:
      return 'double?'
  }
}
