import { badFilter, describeType } from './bad-filter.ts'
import { compileProjection } from './project-row.ts'
import { compileSort } from './compile-sort.ts'
import { isPlainObject } from './is-plain-object.ts'
import type { FindOptions, Projection, SortSpec } from './types.ts'

const KNOWN_OPTIONS: ReadonlySet<string> = new Set(['sort', 'limit', 'skip', 'project', 'asOf'])

/**
 * Checks find options before any data is read, so a typo fails fast instead of returning a
 * wrong page: limit and skip are non-negative integers, sort and project are well-formed, asOf
 * is a commit version (non-negative integer) or a valid Date, and no other keys are present.
 * Undefined values count as absent. Returns the options, typed.
 *
 * @example
 * validateFindOptions({ sort: { eventTimestamp: -1 }, limit: 20 }, 'collection "TailEvents"')
 */
export function validateFindOptions(options: unknown, label: string): FindOptions {
  if (options === undefined) return {}
  if (!isPlainObject(options)) throw badFilter(label, `find options must be an object, got ${describeType(options)}`)
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key) && options[key] !== undefined) {
      throw badFilter(label, `unknown find option "${key}" (expected ${[...KNOWN_OPTIONS].join(', ')})`, { option: key })
    }
  }
  const { sort, limit, skip, project, asOf } = options
  for (const [name, value] of [['limit', limit], ['skip', skip]] as const) {
    if (value !== undefined && !(typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)) {
      throw badFilter(label, `find option "${name}" must be a non-negative integer, got ${show(value)}`, { option: name })
    }
  }
  if (sort !== undefined) compileSort(sort as SortSpec, label)
  if (project !== undefined) compileProjection(project as Projection, { label })
  if (asOf !== undefined) {
    const version = typeof asOf === 'number' && Number.isSafeInteger(asOf) && asOf >= 0
    const instant = asOf instanceof Date && !Number.isNaN(asOf.getTime())
    if (!version && !instant) {
      throw badFilter(label, `find option "asOf" must be a commit version (non-negative integer) or a valid Date, got ${show(asOf)}`, { option: 'asOf' })
    }
  }
  return options as FindOptions
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (value instanceof Date) return 'Invalid Date'
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value)
  return describeType(value)
}
