import { describe, expect, it } from 'vitest'
import { RelatedChanges } from './related-changes.ts'
import { RelatedIndex } from './related-index.ts'

describe('RelatedChanges', () => {
  it('keeps each entity as the period found it, however often it changes after', () => {
    const changes = new RelatedChanges()
    changes.record('Customer', { deletes: [{ $id: 'c1', tier: 'silver' }], inserts: [{ $id: 'c1', tier: 'gold' }] })
    changes.record('Customer', { deletes: [{ $id: 'c1', tier: 'gold' }], inserts: [{ $id: 'c1', tier: 'platinum' }] })
    changes.record('Customer', { deletes: [], inserts: [{ $id: 'c2', tier: 'new' }] })
    changes.record('OrderItem', { deletes: [{ $id: 'i1', order: 'o1' }], inserts: [{ $id: 'i1', order: 'o2' }] })
    expect(changes.size).toBe(3)
    expect(changes.ids()).toEqual(new Map([['Customer', new Set(['c1', 'c2'])], ['OrderItem', new Set(['i1'])]]))
    expect(changes.images('Customer')).toEqual([{ $id: 'c1', tier: 'silver' }])

    const live = new RelatedIndex()
      .add('Customer', [{ $id: 'c1', tier: 'platinum' }, { $id: 'c2', tier: 'new' }, { $id: 'c3', tier: 'gold' }])
      .add('OrderItem', [{ $id: 'i1', order: 'o2' }, { $id: 'i2', order: 'o2' }])
    const before = changes.revert(live)
    expect(before.get('Customer', 'c1')).toEqual({ $id: 'c1', tier: 'silver' })
    expect(before.get('Customer', 'c2')).toBeUndefined()
    expect(before.get('Customer', 'c3')).toEqual({ $id: 'c3', tier: 'gold' })
    // i1 moved from o1 to o2: before, o1 had it and o2 did not.
    expect(before.referencing('OrderItem', 'order', 'o1')).toEqual([{ $id: 'i1', order: 'o1' }])
    expect(before.referencing('OrderItem', 'order', 'o2')).toEqual([{ $id: 'i2', order: 'o2' }])
  })
})
