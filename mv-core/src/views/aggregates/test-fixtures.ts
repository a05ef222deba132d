import { compileAggregate } from './compile-aggregate.ts'
import type { Aggregate, AggregateState, Weight } from './types.ts'

/** Shared by the aggregate tests: compiling, folding rows, comparing results. */

export const label = 'view "V": $compute.out'

export function aggregate(spec: unknown, decimalScale?: number): Aggregate {
  return compileAggregate(spec, decimalScale === undefined ? { label } : { label, decimalScale })
}

/** One input to an aggregate: a value, its ordering key, and the weight to apply it with. */
export interface Step {
  readonly value: unknown
  readonly order?: readonly unknown[]
  readonly weight?: Weight
}

/** Applies the steps to `state` (a fresh one by default), in order. */
export function fold(agg: Aggregate, steps: readonly Step[], state: AggregateState = agg.init()): AggregateState {
  let current = state
  for (const step of steps) current = agg.add(current, step.value, step.weight ?? 1, step.order)
  return current
}

/** Folds raw values with weight +1 and no order. */
export function foldValues(agg: Aggregate, values: readonly unknown[]): AggregateState {
  return fold(
    agg,
    values.map((value) => ({ value })),
  )
}

/** The result of folding raw values. */
export function resultOf(agg: Aggregate, values: readonly unknown[]): unknown {
  return agg.result(foldValues(agg, values))
}

/** Identity of results: Object.is for numbers (NaN equals NaN, 0 and −0 differ), Dates by instant. */
export function sameResult(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime()
  return Object.is(a, b)
}

/** A state through JSON text and back, as the view's storage does it. */
export function roundTrip(agg: Aggregate, state: AggregateState): AggregateState {
  return agg.fromJSON(JSON.parse(JSON.stringify(agg.toJSON(state))) as unknown)
}
