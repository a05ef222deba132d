import { viewError, type ViewSite } from './view-error.ts'

/** The hidden column of grouped views: each group's aggregate states, as JSON. */
export const STATE_COLUMN = '_state'

/**
 * Checks a name the view puts in its output ($select fields, group keys, $compute entries) and
 * that no two outputs share it. Names are field names of the view's table: no '.', no leading
 * '$', not a system column, and not '_state' in grouped views.
 *
 * @example
 * const names = new OutputNames(false)
 * names.claim('level', { view: 'WorkerLogs', directive: '$select', key: 'level' }, '$select.level')
 */
export class OutputNames {
  readonly #grouped: boolean
  readonly #owners = new Map<string, string>()

  constructor(grouped: boolean) {
    this.#grouped = grouped
  }

  /** Claims `name` for the output described by `owner` ("$groupBy entry 'status'"). */
  claim(name: string, site: ViewSite, owner: string): void {
    checkName(name, site, this.#grouped)
    const previous = this.#owners.get(name)
    if (previous !== undefined) throw viewError(site, `output name "${name}" is used twice: by ${previous} and by ${owner}`, { name })
    this.#owners.set(name, owner)
  }
}

function checkName(name: string, site: ViewSite, grouped: boolean): void {
  const fail = (problem: string) => viewError(site, problem, { name })
  if (name === '') throw fail('output names cannot be empty')
  if (name.includes('.')) throw fail(`output name "${name}" cannot contain '.' ('.' reads into nested values)`)
  if (name.startsWith('$')) throw fail(`output name "${name}" cannot start with '$' (reserved for directives and system fields)`)
  if (name === '__proto__') throw fail(`output name "__proto__" is reserved`)
  if (name === 'createdAt' || name === 'updatedAt') {
    throw fail(`output name "${name}" is a system column every view row has; choose another name`)
  }
  if (grouped && name === STATE_COLUMN) throw fail(`output name "${STATE_COLUMN}" is where a grouped view keeps its aggregate states; choose another name`)
}
