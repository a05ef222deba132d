import type { Row } from '../../schema/types.ts'

/**
 * A per-row expression as written in a view definition (`$compute` arguments, `$groupBy`
 * keys). See compileExpression for the grammar.
 *
 * @example
 * const cacheHit: Expression = { $cond: ['$cached', 1, 0] }
 */
export type Expression = string | number | boolean | bigint | null | Date | ExpressionObject

/** An operator object: exactly one key, the operator (`{ $eq: ['$outcome', 'ok'] }`). */
export interface ExpressionObject {
  readonly [operator: `$${string}`]: unknown
}

/** A compiled expression: a closure evaluated once per source row. Missing fields read as null. */
export type CompiledExpression = (row: Row) => unknown

export interface ExpressionOptions {
  /** Prefix of error messages: 'view "DailySales": $compute.revenue'. */
  readonly label: string
  /** Where the expression sits inside a larger definition ('$sum'), for error messages. */
  readonly at?: string
}
