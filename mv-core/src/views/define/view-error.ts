import { ParqueDBError } from '../../errors.ts'

/** Where in a view definition a problem sits: the directive ('$compute') and the key inside it ('revenue'). */
export interface ViewSite {
  readonly view: string
  readonly directive?: string
  readonly key?: string
}

/**
 * The prefix every view message starts with: `view "DailySales": $compute.revenue`.
 *
 * @example
 * siteLabel({ view: 'DailySales', directive: '$compute', key: 'revenue' }) // 'view "DailySales": $compute.revenue'
 */
export function siteLabel(site: ViewSite): string {
  const head = `view "${site.view}"`
  if (site.directive === undefined) return site.key === undefined ? head : `${head}: ${site.key}`
  return site.key === undefined ? `${head}: ${site.directive}` : `${head}: ${site.directive}.${site.key}`
}

/**
 * The SCHEMA error for a malformed view definition, with `details: { view, directive, key }`.
 *
 * @example
 * throw viewError({ view: 'DailySales', directive: '$from' }, 'unknown source "Ordr"')
 * // [parquedb] view "DailySales": $from: unknown source "Ordr"
 */
export function viewError(site: ViewSite, problem: string, extra: Readonly<Record<string, unknown>> = {}, cause?: unknown): ParqueDBError {
  return new ParqueDBError('SCHEMA', `${siteLabel(site)}: ${problem}`, { ...extra, view: site.view, directive: site.directive, key: site.key }, cause === undefined ? undefined : { cause })
}

/** A warning line, prefixed like an error message (without '[parquedb]'). */
export function viewWarning(site: ViewSite, problem: string): string {
  return `${siteLabel(site)}: ${problem}`
}

/**
 * Runs a compiler whose errors already start with the site's label (compileExpression,
 * compileAggregate) and re-throws them with the view's details added; the message is kept.
 */
export function withViewDetails<T>(site: ViewSite, compile: () => T): T {
  try {
    return compile()
  } catch (error) {
    if (!ParqueDBError.isInstance(error, 'SCHEMA')) throw error
    const message = error.message.startsWith('[parquedb] ') ? error.message.slice('[parquedb] '.length) : error.message
    throw new ParqueDBError('SCHEMA', message, { ...error.details, view: site.view, directive: site.directive, key: site.key }, { cause: error })
  }
}
