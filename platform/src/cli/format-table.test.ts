import { expect, it } from 'vitest'
import { formatTable } from './format-table.ts'

it('aligns columns, right-aligns numbers (and their headers), and shows dates, nulls, objects and long text compactly', () => {
  const rows = [
    { name: 'Ada', total: 12.5, at: new Date('2026-01-02T03:04:05Z'), tags: ['a'] },
    { name: 'Bo', total: 3, at: null, note: `${'x'.repeat(70)}\nmore`, big: 12345678901234567890n },
  ]
  expect(formatTable(rows)).toBe(
    [
      'name  total  at                        tags   note                                                                           big',
      '----  -----  ------------------------  -----  ------------------------------------------------------------  --------------------',
      'Ada    12.5  2026-01-02T03:04:05.000Z  ["a"]',
      `Bo        3                                   ${'x'.repeat(59)}…  12345678901234567890`,
      '',
    ].join('\n'),
  )
})
