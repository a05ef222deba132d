import { ParqueDBError } from '../../errors.ts'

/** The compile-time site of a sub-expression: the definition's label and the path inside it. */
export interface ExpressionSite {
  readonly label: string
  /** '' at the top, else like '$cond[0]' or '$sum.$and[1]'. */
  readonly at: string
}

/**
 * The SCHEMA error for a malformed expression. The message starts with the label and, below the
 * top level, ends with where the bad part sits, so a long definition points at one spot.
 *
 * @example
 * expressionError({ label: 'view "V": $compute.x', at: '$cond[0]' }, '$eq needs exactly 2 operands, got 3', '$eq')
 * // [parquedb] view "V": $compute.x: $eq needs exactly 2 operands, got 3 (at $cond[0])
 */
export function expressionError(site: ExpressionSite, message: string, operator?: string): ParqueDBError {
  const where = site.at === '' ? '' : ` (at ${site.at})`
  return new ParqueDBError('SCHEMA', `${site.label}: ${message}${where}`, {
    label: site.label,
    ...(site.at === '' ? {} : { at: site.at }),
    ...(operator === undefined ? {} : { operator }),
  })
}

/** The site of an operand: `$cond` + 0 → '$cond[0]'; `$cond` + 'if' → '$cond.if'. */
export function childSite(site: ExpressionSite, operator: string, operand?: number | string): ExpressionSite {
  const step = operand === undefined ? operator : typeof operand === 'number' ? `${operator}[${operand}]` : `${operator}.${operand}`
  return { label: site.label, at: site.at === '' ? step : `${site.at}.${step}` }
}
