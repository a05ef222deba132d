import { DDSketch } from '@datadog/sketches-js'
import { describe, expect, it } from 'vitest'
import { mergeSketch, newSketch, RELATIVE_ACCURACY, sketchFromJson, sketchQuantile, sketchToJson } from './sketch.ts'

function sketchOf(values: readonly number[]): DDSketch {
  const sketch = newSketch()
  for (const value of values) sketch.accept(value)
  return sketch
}

describe('DDSketch helpers', () => {
  it("keep the other sketch's negative values when merging (the library's merge drops them)", () => {
    const library = sketchOf([5, 6])
    library.merge(sketchOf([-5, -7]))
    expect(library.negativeStore.count).toBe(0) // the flaw this module works around
    const merged = sketchOf([5, 6])
    mergeSketch(merged, sketchOf([-5, -7]))
    expect(merged.count).toBe(4)
    expect(merged.negativeStore.count).toBe(2)
    expect(sketchQuantile(merged, 0)).toBe(-7)
    expect(sketchQuantile(merged, 1 / 3)).toBeCloseTo(-5, 1)
  })

  it('merge stores whose highest key is 0 (values just below 1)', () => {
    const merged = sketchOf([0.5, 0.6])
    mergeSketch(merged, sketchOf([0.99999, 0.7]))
    expect(merged.count).toBe(4)
    expect(sketchQuantile(merged, 1)).toBe(0.99999)
    const viaJson = sketchFromJson(sketchToJson(merged))
    if (typeof viaJson === 'string') throw new Error(viaJson)
    expect(viaJson.store.count).toBe(4)
  })

  it('merging does not change the sketch merged from', () => {
    const from = sketchOf([1, 2, -3, 0])
    const before = JSON.stringify(sketchToJson(from))
    mergeSketch(sketchOf([10]), from)
    expect(JSON.stringify(sketchToJson(from))).toBe(before)
  })

  it('handle zero and negative values', () => {
    const sketch = sketchOf([-10, -1, 0, 0, 1, 10])
    expect(sketchQuantile(sketch, 0)).toBe(-10)
    expect(sketchQuantile(sketch, 0.5)).toBe(0)
    expect(sketchQuantile(sketch, 1)).toBe(10)
    expect(Math.abs(sketchQuantile(sketch, 0.2) - -1)).toBeLessThanOrEqual(RELATIVE_ACCURACY)
  })

  it('interpolate like quantile_cont', () => {
    expect(sketchQuantile(sketchOf([1, 2, 3, 4]), 0.25)).toBeCloseTo(1.75, 1)
    expect(sketchQuantile(sketchOf([7]), 0.3)).toBe(7)
    expect(sketchQuantile(newSketch(), 0.5)).toBeNaN()
  })

  it('round-trip through JSON', () => {
    const sketch = sketchOf([-3, 0, 0.001, 5, 1e6, 1e6])
    const back = sketchFromJson(JSON.parse(JSON.stringify(sketchToJson(sketch))) as unknown)
    if (typeof back === 'string') throw new Error(back)
    for (const q of [0, 0.1, 0.3, 0.5, 0.7, 0.9, 1]) expect(sketchQuantile(back, q)).toBe(sketchQuantile(sketch, q))
    expect(back.count).toBe(6)
    expect(sketchToJson(back)).toEqual(sketchToJson(sketch))
  })

  it('reject malformed JSON', () => {
    expect(sketchFromJson(null)).toBe('sketch is not an object')
    expect(sketchFromJson({ zero: -1, min: 0, max: 0, positive: { key: 0, counts: [] }, negative: { key: 0, counts: [] } })).toMatch(/zero count/)
    expect(sketchFromJson({ zero: 0, min: 0, max: null, positive: { key: 0, counts: [] }, negative: { key: 0, counts: [] } })).toMatch(/min\/max/)
    expect(sketchFromJson({ zero: 0, min: 0, max: 0, positive: { key: 0.5, counts: [] }, negative: { key: 0, counts: [] } })).toMatch(/store/)
    expect(sketchFromJson({ zero: 0, min: 0, max: 0, positive: { key: 0, counts: [1.5] }, negative: { key: 0, counts: [] } })).toMatch(/store/)
  })
})

describe('sketchQuantile and −0', () => {
  it('answers 0 for a sketch holding only −0, before and after a JSON round trip', () => {
    const sketch = newSketch()
    sketch.accept(-0)
    expect(Object.is(sketchQuantile(sketch, 0.5), 0)).toBe(true)
    const back = sketchFromJson(JSON.parse(JSON.stringify(sketchToJson(sketch))))
    if (typeof back === 'string') throw new Error(back)
    expect(Object.is(sketchQuantile(back, 0.5), 0)).toBe(true)
  })
})
