import { describe, expect, it } from 'vitest'
import { createRecordQueue } from './record-queue.ts'

describe('createRecordQueue', () => {
  it('batches records per collection, in order, and flush awaits them', async () => {
    const writes: [string, number[]][] = []
    const writer = (name: string) => async (rows: readonly number[]) => void writes.push([name, [...rows]])
    const queue = createRecordQueue<number>({ A: writer('A'), B: writer('B') }, { batchSize: 2, flushDelayMs: 1000 })
    for (const value of [1, 2, 3, 4, 5]) queue.push('A', value)
    queue.push('B', 9)
    expect(writes).toEqual([]) // nothing written on the caller's path
    await queue.flush()
    expect(writes.filter(([name]) => name === 'A').map(([, rows]) => rows)).toEqual([[1, 2], [3, 4], [5]])
    expect(writes.filter(([name]) => name === 'B').map(([, rows]) => rows)).toEqual([[9]])
    expect(queue.stats()).toMatchObject({ queued: 0, written: 6, dropped: 0, failedWrites: 0 })
  })

  it('gathers records pushed during a write into the next batch', async () => {
    const batches: number[][] = []
    let release: () => void = () => undefined
    const queue = createRecordQueue<number>(
      { A: (rows) => new Promise<void>((resolve) => ((release = resolve), batches.push([...rows]))) },
      { flushDelayMs: 0 },
    )
    queue.push('A', 1)
    await new Promise((resolve) => setTimeout(resolve, 5))
    for (const value of [2, 3, 4]) queue.push('A', value)
    release()
    const flushed = queue.flush()
    await new Promise((resolve) => setTimeout(resolve, 5))
    release()
    await flushed
    expect(batches).toEqual([[1], [2, 3, 4]])
  })

  it('drops and counts records beyond the bound, and those of failed writes', async () => {
    const errors: unknown[] = []
    let fail = true
    const queue = createRecordQueue<number>(
      { A: async () => (fail ? Promise.reject(new Error('nope')) : undefined) },
      { maxQueued: 3, flushDelayMs: 1000, onError: (error) => void errors.push(error) },
    )
    expect([1, 2, 3, 4, 5].map((value) => queue.push('A', value))).toEqual([true, true, true, false, false])
    expect(queue.stats()).toMatchObject({ queued: 3, dropped: 2 })
    await queue.flush()
    expect(queue.stats()).toMatchObject({ queued: 0, written: 0, dropped: 5, failedWrites: 1 })
    expect(errors).toHaveLength(1)
    fail = false
    expect(queue.push('A', 6)).toBe(true) // room again once written or dropped
    await queue.flush()
    expect(queue.stats()).toMatchObject({ written: 1, dropped: 5 })
  })

  it('refuses a bound or batch size that is not a positive integer', () => {
    expect(() => createRecordQueue({}, { maxQueued: 0 })).toThrow(/maxQueued/)
    expect(() => createRecordQueue({}, { batchSize: 1.5 })).toThrow(/batchSize/)
  })
})
