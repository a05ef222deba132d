import { describe, expect, it } from 'vitest'
import { sqlTemplate } from './sql-template.ts'

/** What db.sql rebuilds from a template: the text with $1..$n in order, and the values. */
function rebuilt(query: string, params: unknown[]) {
  const { strings, values } = sqlTemplate(query, params)
  expect(strings.length).toBe(values.length + 1)
  expect(strings.raw).toEqual([...strings])
  return { text: strings.reduce((text, part, index) => `${text}$${index}${part}`), values }
}

describe('sqlTemplate', () => {
  it('splits at placeholders, one template value per occurrence', () => {
    expect(rebuilt('SELECT * FROM t WHERE a = $1 AND b > $2', ['x', 3])).toEqual({ text: 'SELECT * FROM t WHERE a = $1 AND b > $2', values: ['x', 3] })
    expect(rebuilt('SELECT * FROM t WHERE b > $2 AND a = $1 OR c = $2', ['x', 3])).toEqual({ text: 'SELECT * FROM t WHERE b > $1 AND a = $2 OR c = $3', values: [3, 'x', 3] })
    expect(rebuilt('SELECT 1', [])).toEqual({ text: 'SELECT 1', values: [] })
  })

  it('leaves placeholders inside quotes and comments as text', () => {
    const query = `SELECT '$1', 'it''s $2', "col$1" FROM t -- $3\nWHERE a = $1 /* $4 */`
    expect(rebuilt(query, [5])).toEqual({ text: query, values: [5] })
    expect(rebuilt('SELECT x$1 FROM t WHERE a = $1', [1]).values).toEqual([1])
  })

  it('refuses a placeholder without a parameter and a parameter nothing uses', () => {
    expect(() => sqlTemplate('SELECT $1, $3', [1, 2])).toThrow(/placeholder \$3 has no parameter \(2 given/)
    expect(() => sqlTemplate('SELECT $0', [1])).toThrow(/placeholder \$0/)
    expect(() => sqlTemplate('SELECT $1', [1, 2])).toThrow(/params\[1\] is not used: the query has no \$2/)
  })
})
