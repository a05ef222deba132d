/**
 * The parts of node-sql-parser's PostgreSQL AST the compiler reads. The parser's own typings
 * are looser than its output (and differ between dialects), so the shapes used are written down
 * here, each field optional where the parser may leave it out.
 */

export interface SqlNode {
  readonly type: string
  readonly [key: string]: unknown
}

export interface ColumnRefNode extends SqlNode {
  readonly type: 'column_ref'
  readonly table: string | null
  /** '*' for `SELECT *`; otherwise `{ expr: { type: 'default' | 'double_quote_string', value } }`. */
  readonly column: string | { readonly expr: { readonly type: string; readonly value: string } }
}

export interface SelectItem {
  readonly expr: SqlNode
  readonly as: string | null
}

export interface OrderItem {
  readonly expr: SqlNode
  readonly type: 'ASC' | 'DESC' | null
  readonly nulls: 'NULLS FIRST' | 'NULLS LAST' | null
}

export interface FromItem {
  readonly table?: string
  readonly as?: string | null
  readonly join?: string
  readonly expr?: unknown
  readonly db?: string | null
}

export interface SelectNode {
  readonly type: 'select'
  readonly with: unknown
  readonly distinct: { readonly type: string | null } | null
  readonly columns: readonly SelectItem[]
  readonly from: readonly FromItem[] | null
  readonly where: SqlNode | null
  readonly groupby: { readonly columns: readonly SqlNode[] | null } | null
  readonly having: SqlNode | null
  readonly orderby: readonly OrderItem[] | null
  readonly limit: { readonly seperator: string; readonly value: readonly SqlNode[] } | null
  readonly window: unknown
  readonly _next?: unknown
  readonly set_op?: string
}

/** The name of a function node (`{ name: { name: [{ value: 'date_trunc' }] } }`), as written. */
export function functionName(node: SqlNode): string {
  const name = node.name as { name?: readonly { value: string }[] } | string | undefined
  if (typeof name === 'string') return name
  return (name?.name ?? []).map((part) => part.value).join('.')
}

/** The operands of a function or list node. */
export function listValues(node: unknown): readonly SqlNode[] {
  const list = node as { type?: string; value?: unknown } | null | undefined
  return Array.isArray(list?.value) ? (list.value as SqlNode[]) : []
}

/** The column name of a reference, unquoted; '*' for a star. */
export function columnName(node: ColumnRefNode): string {
  return typeof node.column === 'string' ? node.column : node.column.expr.value
}

/** A stable text of a node for matching one expression against another (GROUP BY keys in SELECT). */
export function nodeKey(node: unknown): string {
  return JSON.stringify(node, (key, value: unknown) => (key === 'loc' || key === 'collate' || key === 'as' ? undefined : value))
}
