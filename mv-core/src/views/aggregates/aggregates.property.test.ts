import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compareValues } from '../../query/compare-values.ts'
import { compareOrder } from './extreme.ts'
import { aggregate, fold, roundTrip, sameResult, type Step } from './test-fixtures.ts'
import type { Aggregate, AggregateState } from './types.ts'

/**
 * The algebra every aggregate must obey, on random data:
 * - merge: folding two parts and merging equals folding everything;
 * - retraction: adding rows and retracting some equals adding only the rest, exactly for
 *   count/sum/avg/variance/stddev (bit for bit: their states are exact), and for
 *   min/max/first/last/percentile either exactly or with `exact` false;
 * - JSON: a stored and reloaded state behaves as the original, now and after more rows.
 */

interface Row {
  readonly id: number
  readonly value: unknown
  readonly order: readonly unknown[]
}

const numeric = fc.oneof(
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 3, arbitrary: fc.integer({ min: -1000, max: 1000 }) },
  { weight: 3, arbitrary: fc.double({ min: -1e9, max: 1e9, noNaN: true }) },
  // Few distinct values, so min/max see ties and extremes shared by several rows.
  { weight: 2, arbitrary: fc.constantFrom(-1, 0, 0.5, 7) },
)

const rowsArbitrary = fc
  .array(fc.tuple(numeric, fc.integer({ min: 0, max: 20 })), { maxLength: 40 })
  .map((items) => items.map(([value, time], id): Row => ({ id, value, order: [time, id] })))

const step = (row: Row, weight: 1 | -1 = 1): Step => ({ value: row.value, order: row.order, weight })

const EXACT_SPECS: Record<string, unknown> = {
  countRows: { $count: '*' },
  countValues: { $count: 'x' },
  sum: { $sum: 'x' },
  avg: { $avg: 'x' },
  variance: { $variance: 'x' },
  stddev: { $stddev: 'x' },
}

const EXTREME_SPECS: Record<string, unknown> = {
  min: { $min: 'x' },
  max: { $max: 'x' },
  first: { $first: 'x' },
  last: { $last: 'x' },
}

const PERCENTILE_SPECS: Record<string, unknown> = {
  p50: { $percentile: ['x', 0.5] },
  p95: { $percentile: ['x', 0.95] },
}

const ALL_SPECS = { ...EXACT_SPECS, ...EXTREME_SPECS, ...PERCENTILE_SPECS }

function foldRows(agg: Aggregate, rows: readonly Row[]): AggregateState {
  return fold(
    agg,
    rows.map((row) => step(row)),
  )
}

/** The extreme key of a row for an extreme aggregate ($min/$max: the value; $first/$last: the order). */
function extremeKey(op: string, row: Row): { key: unknown; compare: (a: unknown, b: unknown) => number; direction: number } {
  const byOrder = op === '$first' || op === '$last'
  return { key: byOrder ? row.order : row.value, compare: byOrder ? compareOrder : compareValues, direction: op === '$max' || op === '$last' ? 1 : -1 }
}

describe('aggregate algebra', () => {
  for (const [name, spec] of Object.entries(ALL_SPECS)) {
    describe(name, () => {
      const agg = aggregate(spec)

      it('merge of two parts equals the fold of all', () => {
        fc.assert(
          fc.property(rowsArbitrary, fc.array(fc.boolean(), { maxLength: 40 }), (rows, side) => {
            const left = rows.filter((row) => side[row.id] === true)
            const right = rows.filter((row) => side[row.id] !== true)
            const merged = agg.merge(foldRows(agg, left), foldRows(agg, right))
            const all = foldRows(agg, rows)
            expect(sameResult(agg.result(merged), agg.result(all)), `${String(agg.result(merged))} vs ${String(agg.result(all))}`).toBe(true)
            expect(agg.exact(merged)).toBe(true)
            expect(agg.isEmpty(merged)).toBe(rows.length === 0)
          }),
          { numRuns: 150 },
        )
      })

      it('JSON round trip keeps the state, now and after more rows', () => {
        fc.assert(
          fc.property(rowsArbitrary, rowsArbitrary, fc.array(fc.boolean(), { maxLength: 40 }), (rows, more, retract) => {
            const steps = [...rows.map((row) => step(row)), ...rows.filter((row) => retract[row.id] === true).map((row) => step(row, -1))]
            const state = fold(agg, steps)
            const back = roundTrip(agg, state)
            expect(sameResult(agg.result(back), agg.result(state))).toBe(true)
            expect(agg.exact(back)).toBe(agg.exact(state))
            expect(agg.isEmpty(back)).toBe(agg.isEmpty(state))
            expect(JSON.stringify(agg.toJSON(back))).toBe(JSON.stringify(agg.toJSON(state)))
            const later = more.map((row) => step({ ...row, id: row.id + 100, order: [row.order[0], row.id + 100] }))
            expect(sameResult(agg.result(fold(agg, later, back)), agg.result(fold(agg, later, state)))).toBe(true)
          }),
          { numRuns: 100 },
        )
      })
    })
  }

  for (const [name, spec] of Object.entries(EXACT_SPECS)) {
    it(`${name}: retracting any sub-multiset equals adding only the rest, bit for bit`, () => {
      const agg = aggregate(spec)
      fc.assert(
        fc.property(rowsArbitrary, fc.array(fc.boolean(), { maxLength: 40 }), fc.boolean(), (rows, retract, reverse) => {
          const gone = rows.filter((row) => retract[row.id] === true)
          const rest = rows.filter((row) => retract[row.id] !== true)
          const retractions = (reverse ? [...gone].reverse() : gone).map((row) => step(row, -1))
          const state = fold(agg, retractions, foldRows(agg, rows))
          expect(agg.exact(state)).toBe(true)
          expect(sameResult(agg.result(state), agg.result(foldRows(agg, rest)))).toBe(true)
          expect(agg.isEmpty(state)).toBe(rest.length === 0)
        }),
        { numRuns: 300 },
      )
    })
  }

  for (const [name, spec] of Object.entries(EXTREME_SPECS)) {
    it(`${name}: a retraction is exact unless every row at the extreme leaves; when exact the result is right`, () => {
      const agg = aggregate(spec)
      fc.assert(
        fc.property(rowsArbitrary, fc.array(fc.boolean(), { maxLength: 40 }), (rows, retract) => {
          const gone = rows.filter((row) => retract[row.id] === true)
          const rest = rows.filter((row) => retract[row.id] !== true)
          const state = fold(
            agg,
            gone.map((row) => step(row, -1)),
            foldRows(agg, rows),
          )
          const valued = rows.filter((row) => row.value !== null)
          const restValued = rest.filter((row) => row.value !== null)
          // Where the extreme was before the retractions, and whether any row holding it stays.
          let extremeStays = true
          if (valued.length > 0) {
            const { compare, direction } = extremeKey(agg.op, valued[0] as Row)
            const keys = valued.map((row) => extremeKey(agg.op, row).key)
            const extreme = keys.reduce((best, key) => (direction * compare(key, best) > 0 ? key : best))
            extremeStays = restValued.some((row) => compare(extremeKey(agg.op, row).key, extreme) === 0)
          }
          expect(agg.exact(state)).toBe(extremeStays || restValued.length === 0)
          if (agg.exact(state)) expect(sameResult(agg.result(state), agg.result(foldRows(agg, rest)))).toBe(true)
          expect(agg.isEmpty(state)).toBe(rest.length === 0)
        }),
        { numRuns: 300 },
      )
    })
  }

  for (const [name, spec] of Object.entries(PERCENTILE_SPECS)) {
    it(`${name}: a retraction of a value is inexact until the group has no values`, () => {
      const agg = aggregate(spec)
      fc.assert(
        fc.property(rowsArbitrary, fc.array(fc.boolean(), { maxLength: 40 }), (rows, retract) => {
          const gone = rows.filter((row) => retract[row.id] === true)
          const rest = rows.filter((row) => retract[row.id] !== true)
          const state = fold(
            agg,
            gone.map((row) => step(row, -1)),
            foldRows(agg, rows),
          )
          const retractedValue = gone.some((row) => row.value !== null)
          const restValued = rest.some((row) => row.value !== null)
          expect(agg.exact(state)).toBe(!retractedValue || !restValued)
          if (agg.exact(state)) expect(sameResult(agg.result(state), agg.result(foldRows(agg, rest)))).toBe(true)
        }),
        { numRuns: 200 },
      )
    })
  }

  for (const [name, spec] of Object.entries(ALL_SPECS)) {
    it(`${name}: any interleaving of adds, retractions and merges is either exact and right, or flagged`, () => {
      const agg = aggregate(spec)
      const operation = fc.oneof(
        fc.record({ kind: fc.constant('add' as const), value: numeric, time: fc.integer({ min: 0, max: 20 }), part: fc.boolean() }),
        fc.record({ kind: fc.constant('retract' as const), pick: fc.nat(), part: fc.boolean() }),
      )
      fc.assert(
        fc.property(fc.array(operation, { maxLength: 60 }), (operations) => {
          // Two partial states, each retracting only its own rows, merged at the end.
          const parts = [agg.init(), agg.init()]
          const present: Row[][] = [[], []]
          let nextId = 0
          for (const op of operations) {
            const side = op.part ? 1 : 0
            const rowsOfSide = present[side] as Row[]
            if (op.kind === 'add') {
              const row: Row = { id: nextId++, value: op.value, order: [op.time, nextId] }
              rowsOfSide.push(row)
              parts[side] = agg.add(parts[side] as AggregateState, row.value, 1, row.order)
            } else if (rowsOfSide.length > 0) {
              const [row] = rowsOfSide.splice(op.pick % rowsOfSide.length, 1) as [Row]
              parts[side] = agg.add(parts[side] as AggregateState, row.value, -1, row.order)
            }
          }
          const merged = agg.merge(parts[0] as AggregateState, parts[1] as AggregateState)
          const rest = [...(present[0] as Row[]), ...(present[1] as Row[])]
          if (name in EXACT_SPECS) expect(agg.exact(merged)).toBe(true)
          if (agg.exact(merged)) {
            // Merge order is part of the data for $first/$last ties only; keys here are unique.
            expect(sameResult(agg.result(merged), agg.result(foldRows(agg, rest)))).toBe(true)
          }
          expect(agg.isEmpty(merged)).toBe(rest.length === 0)
        }),
        { numRuns: 300 },
      )
    })
  }
})
