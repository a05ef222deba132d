import type { SelectNode } from './sql-ast.ts'
import { sqlError, unsupported } from './sql-error.ts'

/** A query's text with `$1`, `$2`, ... where values were interpolated, and those values. */
export interface SqlText {
  readonly text: string
  readonly params: readonly unknown[]
}

/**
 * The text of a tagged template with each interpolated value replaced by a numbered parameter
 * (`$1`, `$2`, ...): values are bound, never spliced into the SQL, so no value can change the
 * query's shape. A plain string is taken as the whole query, with no parameters.
 *
 * @example
 * sqlText`SELECT * FROM Order WHERE status = ${status}` // { text: 'SELECT * FROM Order WHERE status = $1', params: [status] }
 */
export function sqlText(strings: TemplateStringsArray | string, values: readonly unknown[]): SqlText {
  if (typeof strings === 'string') {
    if (values.length > 0) throw sqlError('pass values through the tagged template (db.sql`... ${value} ...`), not as extra arguments')
    return { text: strings, params: [] }
  }
  if (!Array.isArray(strings) || !Array.isArray((strings as TemplateStringsArray).raw)) {
    throw sqlError('db.sql is a tagged template: write db.sql`SELECT ...`')
  }
  let text = strings[0] ?? ''
  for (let index = 1; index < strings.length; index++) text += `$${index}${strings[index]}`
  return { text, params: values }
}

type Parser = InstanceType<typeof import('node-sql-parser/build/postgresql.js').Parser>
let parser: Promise<Parser> | undefined

/** The parser (PostgreSQL grammar, ~300 kB) is loaded on the first query, not with the database. */
function loadParser(): Promise<Parser> {
  parser ??= import('node-sql-parser/build/postgresql.js').then((module) => new (module.default ?? module).Parser())
  return parser
}

/**
 * Parses one SELECT statement (PostgreSQL dialect) and rejects, by name, the statements and
 * clauses the engine does not run: anything but SELECT, several statements, WITH, set
 * operations (UNION, INTERSECT, EXCEPT), joins, subqueries in FROM, SELECT INTO and named
 * windows. Expressions are checked later, where they are compiled.
 *
 * @example
 * (await parseSelect('SELECT scriptName, COUNT(*) FROM TailEvents GROUP BY scriptName')).from // [{ table: 'TailEvents', ... }]
 */
export async function parseSelect(text: string): Promise<SelectNode> {
  if (typeof text !== 'string' || text.trim() === '') throw sqlError('the query is empty')
  const sql = await loadParser()
  let ast: unknown
  try {
    ast = sql.astify(text, { database: 'postgresql' })
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error)
    throw sqlError(`syntax error: ${message}`)
  }
  const statements = Array.isArray(ast) ? ast : [ast]
  if (statements.length !== 1) throw unsupported(`several statements (${statements.length})`, 'send one SELECT per query')
  const select = statements[0] as SelectNode
  if (select?.type !== 'select') throw unsupported(`${String(select?.type ?? 'this statement').toUpperCase()}`, 'db.sql runs SELECT queries only; write through the collections')
  if (select.with) throw unsupported('WITH (common table expressions)')
  if (select._next !== undefined && select._next !== null) throw unsupported(String(select.set_op ?? 'a set operation').toUpperCase())
  if (select.window) throw unsupported('WINDOW clauses')
  const into = (select as unknown as { into?: { position?: unknown } }).into
  if (into?.position) throw unsupported('SELECT INTO')
  const from = select.from ?? []
  if (from.length === 0) throw unsupported('SELECT without FROM', 'name a collection or view')
  if (from.length > 1) throw unsupported(from[1]?.join ? String(from[1].join) : 'several tables in FROM', 'query one collection or view; a view with $expand joins related collections')
  const [table] = from
  if (table?.expr !== undefined || typeof table?.table !== 'string') throw unsupported('a subquery in FROM')
  if (table.db) throw unsupported(`a schema-qualified table ("${table.db}.${table.table}")`)
  return select
}
