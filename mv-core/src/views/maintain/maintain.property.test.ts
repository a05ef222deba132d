import fc from 'fast-check'
import { describe, it } from 'vitest'
import { testPlan } from '../pipeline/test-fixtures.ts'
import { applyRowChanges } from './apply-row-changes.ts'
import { fullRefreshRows } from './full-refresh-rows.ts'
import { GroupMaintainer } from './group-maintainer.ts'
import type { Row } from '../../schema/types.ts'
import { NO_RELATED } from '../pipeline/related-rows.ts'
import type { SourceChange } from './types.ts'
import {
  aiRequestFields,
  batchesOf,
  checkGroupView,
  checkRowsView,
  expectSameRows,
  GROUPED_CASES,
  loadTouched,
  orderBatches,
  orderOps,
  recomputeGroups,
  sourceOps,
  SourceTable,
  tailEventFields,
  ViewTable,
} from './test-workloads.ts'

/**
 * The differential property: for random workloads (inserts, updates as delete + insert of the
 * same $id, deletes, in random batches, with restarts that reload group states from the view's
 * `_state` column), maintaining a view incrementally gives exactly the rows of a full refresh
 * of the final source rows, after every batch.
 */

const restarts = fc.array(fc.boolean(), { maxLength: 40 })
const RUNS = 60

describe('incremental maintenance equals a full refresh', () => {
  describe('views of rows', () => {
    for (const name of ['WorkerLogs', 'WorkerErrors', 'WorkerRequests', 'AIErrors']) {
      const fields = name === 'AIErrors' ? aiRequestFields : tailEventFields
      it(name, () => {
        fc.assert(
          fc.property(sourceOps(fields), (ops) => checkRowsView(testPlan(name), ops)),
          { numRuns: RUNS },
        )
      })
    }

    it('OrderAnalytics, with items, customers and products changing too', () => {
      const plan = testPlan('OrderAnalytics')
      fc.assert(
        fc.property(orderOps, (ops) => {
          const view = new ViewTable()
          let batch = 0
          for (const { change, related, relatedBefore, source } of orderBatches(ops)) {
            const what = `OrderAnalytics batch ${batch++}`
            view.write(applyRowChanges(plan, change, related, relatedBefore), what)
            expectSameRows(view.rows.values(), fullRefreshRows(plan, source.values(), related), what)
          }
        }),
        { numRuns: RUNS },
      )
    })
  })

  describe('grouped views', () => {
    for (const [name, fields] of GROUPED_CASES) {
      it(name, () => {
        fc.assert(
          fc.property(sourceOps(fields), restarts, (ops, restart) => checkGroupView(testPlan(name), ops, restart)),
          { numRuns: RUNS },
        )
      })
    }

    it('WeeklyAIUsage over DailyAIUsage: the upstream writes are the downstream changes', () => {
      const daily = testPlan('DailyAIUsage')
      const weekly = testPlan('WeeklyAIUsage')
      fc.assert(
        fc.property(sourceOps(aiRequestFields), restarts, (ops, restart) => {
          const source = new SourceTable()
          const upstream = new ViewTable()
          const downstream = new ViewTable()
          const dailyGroups = new GroupMaintainer(daily)
          let weeklyGroups = new GroupMaintainer(weekly)
          let batch = 0
          for (const change of batchesOf(source, ops)) {
            const what = `WeeklyAIUsage batch ${batch}`
            if (restart[batch++] === true) weeklyGroups = new GroupMaintainer(weekly)
            loadTouched(dailyGroups, upstream, change, NO_RELATED, NO_RELATED)
            const first = dailyGroups.apply(change, NO_RELATED)
            const fixed = recomputeGroups(dailyGroups, first, source.rows.values(), NO_RELATED, what)
            // What the upstream table held before, and holds after, for every id it writes.
            const written = [...first.upserts, ...fixed.upserts].map((row) => row.$id as string).concat(first.deleteIds, fixed.deleteIds)
            const before = new Map(written.flatMap((id): [string, Row][] => (upstream.rows.has(id) ? [[id, upstream.rows.get(id) as Row]] : [])))
            upstream.write(first, what)
            upstream.write(fixed, `${what} (recompute)`)
            const cascade: SourceChange = {
              deletes: [...before.values()],
              inserts: [...new Set(written)].flatMap((id): Row[] => (upstream.rows.has(id) ? [upstream.rows.get(id) as Row] : [])),
            }
            loadTouched(weeklyGroups, downstream, cascade, NO_RELATED, NO_RELATED)
            const changes = weeklyGroups.apply(cascade, NO_RELATED)
            downstream.write(changes, `${what} (weekly)`)
            downstream.write(recomputeGroups(weeklyGroups, changes, upstream.rows.values(), NO_RELATED, what), `${what} (weekly recompute)`)
            const expected = fullRefreshRows(weekly, fullRefreshRows(daily, source.rows.values(), NO_RELATED), NO_RELATED)
            expectSameRows(downstream.rows.values(), expected, what)
          }
        }),
        { numRuns: RUNS },
      )
    })

    for (const name of ['OrderLines', 'TierRevenue']) {
      it(`${name}, with items, customers and products changing too`, () => {
        const plan = testPlan(name)
        fc.assert(
          fc.property(orderOps, restarts, (ops, restart) => {
            const view = new ViewTable()
            let maintainer = new GroupMaintainer(plan)
            let batch = 0
            for (const { change, related, relatedBefore, source } of orderBatches(ops)) {
              const what = `${name} batch ${batch}`
              if (restart[batch++] === true) maintainer = new GroupMaintainer(plan)
              loadTouched(maintainer, view, change, related, relatedBefore)
              const changes = maintainer.apply(change, related, relatedBefore)
              view.write(changes, what)
              view.write(recomputeGroups(maintainer, changes, source.values(), related, what), `${what} (recompute)`)
              expectSameRows(view.rows.values(), fullRefreshRows(plan, source.values(), related), what)
            }
          }),
          { numRuns: RUNS },
        )
      })
    }
  })
})
