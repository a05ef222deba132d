import type { RowShape } from './row-shape.ts'

export interface SourceFieldUses {
  /** The view copies every source column (no $select and no grouping). */
  readonly copiesAll: boolean
  /** Source columns the filter reads. */
  readonly filter: readonly string[]
  /** Working-row fields read by $unnest, the expansions, $select, $groupBy and $compute. */
  readonly working: readonly string[]
}

/**
 * The source columns a view reads, in source column order: what to project when reading the
 * source. '$id' is always among them, since output row ids and group ordering derive from it;
 * expanded columns count as their relation column ('customer'), or '$id' for reverse relations.
 *
 * @example
 * collectSourceFields(shape, { copiesAll: false, filter: ['outcome'], working: ['scriptName'] }) // ['$id', 'scriptName', 'outcome']
 */
export function collectSourceFields(shape: RowShape, uses: SourceFieldUses): string[] {
  const read = new Set<string>(['$id', ...uses.filter])
  if (uses.copiesAll) for (const column of shape.source.columns) read.add(column.name)
  for (const field of uses.working) for (const column of shape.columns.get(field)?.sourceFields ?? []) read.add(column)
  return shape.source.columns.map((column) => column.name).filter((column) => read.has(column))
}
