import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Row } from '../../schema/types.ts'
import type { ColumnBatch } from '../../table/scan-columns.ts'
import { NO_RELATED } from '../pipeline/related-rows.ts'
import { testPlan } from '../pipeline/test-fixtures.ts'
import { fullRefreshGroupsFromColumns, fullRefreshRows } from './full-refresh-rows.ts'
import { foldColumns, type FoldColumns } from './group-fold.ts'
import { batchesOf, expectSameRows, GROUPED_CASES, sourceOps, SourceTable } from './test-workloads.ts'

/** Source rows as the scan hands them over: only `columns`, in batches of `size` rows, missing values as null. */
async function* asColumns(rows: readonly Row[], { columns, millis }: FoldColumns, size: number): AsyncGenerator<ColumnBatch> {
  const asRead = (value: unknown, name: string) => (value instanceof Date && millis.includes(name) ? value.getTime() : (value ?? null))
  for (let from = 0; from < rows.length; from += size) {
    const slice = rows.slice(from, from + size)
    yield { rowCount: slice.length, columns: Object.fromEntries(columns.map((name) => [name, slice.map((row) => asRead(row[name], name))])) }
  }
}

describe('full refresh from columns equals the one from rows', () => {
  for (const [name, fields] of GROUPED_CASES) {
    it(`${name}, reading only ${foldColumns(testPlan(name)).columns.join(', ')}`, async () => {
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
    expect(foldColumns(testPlan('DailyAIUsage')).columns).not.toContain('$id')
    expect(foldColumns(testPlan('ModelLatency')).columns).toEqual(expect.arrayContaining(['$id', 'createdAt']))
  })

  it('reads instants as epoch milliseconds where only time buckets use them', () => {
    expect(foldColumns(testPlan('DailyAIUsage')).millis).toEqual(['timestamp'])
    expect(foldColumns(testPlan('RequestsByMethod')).millis).toEqual(['eventTimestamp'])
    // LogLevels' $max reads logs.timestamp inside a variant; ModelLatency orders by createdAt, which it reads as Dates.
    expect(foldColumns(testPlan('ModelLatency')).millis).toEqual(['timestamp'])
    expect(foldColumns(testPlan('LogLevels')).millis).toEqual([])
  })

  it('refuses views that need row objects', async () => {
    await expect(fullRefreshGroupsFromColumns(testPlan('OrderLines'), asColumns([], { columns: [], millis: [] }, 1))).rejects.toThrow(/OrderLines/)
  })
})
