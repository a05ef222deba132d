import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Row } from '../../schema/types.ts'
import type { ColumnBatch } from '../../table/scan-columns.ts'
import { NO_RELATED } from '../pipeline/related-rows.ts'
import { testPlan } from '../pipeline/test-fixtures.ts'
import { fullRefreshGroupsFromColumns, fullRefreshRows } from './full-refresh-rows.ts'
import { foldColumns } from './group-fold.ts'
import { aiRequestFields, batchesOf, evalScoreFields, expectSameRows, orderFields, sourceOps, SourceTable, tailEventFields } from './test-workloads.ts'

/** Source rows as the scan hands them over: only `columns`, in batches of `size` rows, missing values as null. */
async function* asColumns(rows: readonly Row[], columns: readonly string[], size: number): AsyncGenerator<ColumnBatch> {
  for (let from = 0; from < rows.length; from += size) {
    const slice = rows.slice(from, from + size)
    yield { rowCount: slice.length, columns: Object.fromEntries(columns.map((name) => [name, slice.map((row) => row[name] ?? null)])) }
  }
}

describe('full refresh from columns equals the one from rows', () => {
  const cases = [
    ['DailySales', orderFields],
    ['DailyAIUsage', aiRequestFields],
    ['ModelLatency', aiRequestFields],
    ['EvalTrends', evalScoreFields],
    ['LogLevels', tailEventFields],
    ['RequestsByMethod', tailEventFields],
  ] as const
  for (const [name, fields] of cases) {
    it(`${name}, reading only ${foldColumns(testPlan(name)).join(', ')}`, async () => {
      const plan = testPlan(name)
      await fc.assert(
        fc.asyncProperty(sourceOps(fields), fc.integer({ min: 1, max: 7 }), async (ops, size) => {
          const source = new SourceTable()
          for (const _ of batchesOf(source, ops));
          const rows = [...source.rows.values()]
          const fromColumns = await fullRefreshGroupsFromColumns(plan, asColumns(rows, foldColumns(plan), size))
          expectSameRows(fromColumns, fullRefreshRows(plan, rows, NO_RELATED), name)
        }),
        { numRuns: 40 },
      )
    })
  }

  it('orders by createdAt and $id only for $first/$last', () => {
    expect(foldColumns(testPlan('DailyAIUsage'))).not.toContain('$id')
    expect(foldColumns(testPlan('ModelLatency'))).toEqual(expect.arrayContaining(['$id', 'createdAt']))
  })

  it('refuses views that need row objects', async () => {
    await expect(fullRefreshGroupsFromColumns(testPlan('OrderLines'), asColumns([], [], 1))).rejects.toThrow(/OrderLines/)
  })
})
