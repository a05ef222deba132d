import { ParqueDBError } from '@parquedb/mv-core'

/** What `db.sql(strings, ...values)` takes: a tagged template's strings and its values. */
export interface SqlTemplate {
  readonly strings: TemplateStringsArray
  readonly values: readonly unknown[]
}

/**
 * Turns SQL text with `$1, $2, ...` placeholders and a parameter list into the tagged template
 * `db.sql` takes, so parameters stay bound values (never spliced into the text). Placeholders
 * inside quotes and comments are text, not parameters. A placeholder may repeat or come out of
 * order: each occurrence becomes its own template value. A placeholder without a parameter, or
 * a parameter no placeholder uses, is BAD_SQL.
 *
 * @example
 * const { strings, values } = sqlTemplate('SELECT * FROM "Order" WHERE status = $1 AND total > $2', ['paid', 10])
 * await db.sql(strings, ...values)
 */
export function sqlTemplate(query: string, params: readonly unknown[] = []): SqlTemplate {
  const strings: string[] = []
  const values: unknown[] = []
  const used = new Set<number>()
  let start = 0
  let index = 0
  while (index < query.length) {
    const char = query[index]
    const next = query[index + 1]
    if (char === "'" || char === '"') index = endOfQuoted(query, index, char)
    else if (char === '-' && next === '-') index = endOf(query, index, '\n')
    else if (char === '/' && next === '*') index = endOf(query, index + 2, '*/')
    else if (char === '$' && next !== undefined && next >= '0' && next <= '9' && !isIdentifierChar(query[index - 1])) {
      let end = index + 1
      while (end < query.length && query[end]! >= '0' && query[end]! <= '9') end++
      const number = Number(query.slice(index + 1, end))
      if (number < 1 || number > params.length) {
        throw new ParqueDBError('BAD_SQL', `placeholder $${number} has no parameter (${params.length} given in "params")`, { placeholder: number })
      }
      strings.push(query.slice(start, index))
      values.push(params[number - 1])
      used.add(number)
      start = index = end
    } else index++
  }
  strings.push(query.slice(start))
  const unused = params.findIndex((_, position) => !used.has(position + 1))
  if (unused !== -1) throw new ParqueDBError('BAD_SQL', `params[${unused}] is not used: the query has no $${unused + 1}`, { param: unused })
  return { strings: Object.assign([...strings], { raw: strings }) as unknown as TemplateStringsArray, values }
}

/** The index after a quoted string or identifier; a doubled quote is an escaped quote. */
function endOfQuoted(text: string, open: number, quote: string): number {
  let index = open + 1
  while (index < text.length) {
    if (text[index] === quote) {
      if (text[index + 1] !== quote) return index + 1
      index += 2
    } else index++
  }
  return text.length
}

function endOf(text: string, from: number, terminator: string): number {
  const at = text.indexOf(terminator, from)
  return at === -1 ? text.length : at + terminator.length
}

function isIdentifierChar(char: string | undefined): boolean {
  return char !== undefined && /[A-Za-z0-9_$]/.test(char)
}
