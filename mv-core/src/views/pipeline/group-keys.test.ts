import { describe, expect, it } from 'vitest'
import { groupKeyOf } from './group-key-of.ts'
import { GroupKeys } from './group-keys.ts'
import { planOf, testPlan } from './test-fixtures.ts'

describe('GroupKeys', () => {
  it('gives the key groupKeyOf gives, one object per distinct key', () => {
    const plan = testPlan('RequestsByMethod')
    const keys = new GroupKeys(plan)
    const at = (minute: number) => new Date(Date.UTC(2024, 0, 15, 10, minute))
    const a = { scriptName: 'api', event: { request: { method: 'GET' } }, eventTimestamp: at(1) }
    const b = { scriptName: 'api', event: { request: { method: 'GET' } }, eventTimestamp: at(59) } // same hour
    const c = { scriptName: 'api', event: { request: { method: 'POST' } }, eventTimestamp: at(1) }
    const d = { scriptName: 'api', event: null, eventTimestamp: at(1) }
    for (const row of [a, b, c, d]) expect(keys.of(row)).toEqual(groupKeyOf(plan, row))
    expect(keys.of(b)).toBe(keys.of(a))
    expect(keys.of(c)).not.toBe(keys.of(a))
    expect(keys.of(d).values).toEqual(['api', null, new Date(Date.UTC(2024, 0, 15, 10))])
  })

  it('tells apart values that Map keys would not (a string and a number) and passes objects through', () => {
    const plan = testPlan('LogLevels')
    const keys = new GroupKeys(plan)
    const rows = [
      { scriptName: 'api', logs: { level: '1' } },
      { scriptName: 'api', logs: { level: 1 } },
      { scriptName: 'api', logs: { level: { nested: true } } },
      { scriptName: 'api', logs: { level: -0 } },
      { scriptName: 'api', logs: { level: 0 } },
    ]
    const ids = rows.map((row) => keys.of(row).id)
    expect(ids).toEqual(rows.map((row) => groupKeyOf(plan, row).id))
    expect(new Set(ids).size).toBe(4) // -0 and 0 are one key, as their ids are
  })

  it('keys a view without $groupBy as its one group', () => {
    const plan = planOf('Totals', { $from: 'Order', $compute: { orders: { $count: '*' } } })
    const keys = new GroupKeys(plan)
    expect(keys.of({ total: 1 }).id).toBe('[]')
    expect(keys.of({ total: 2 })).toBe(keys.of({ total: 1 }))
  })
})
