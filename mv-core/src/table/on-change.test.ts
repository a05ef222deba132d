import { describe, expect, it } from 'vitest'
import { parseSchema } from '../schema/parse-schema.ts'
import { memoryStorage } from '../storage/memory.ts'
import { memoryWal } from '../wal/memory.ts'
import { Table, type LiveChange } from './table.ts'

const schema = parseSchema('Event', { name: 'string!', payload: 'variant', tags: 'variant[]' })

describe('Table.onChange', () => {
  it('gives every column, variants parsed, or just the columns a listener asks for', async () => {
    const table = await Table.open({ storage: memoryStorage(), wal: await memoryWal()('Event'), schema, prefix: 'Event/', writerId: 'main' })
    const everything: LiveChange[] = []
    const some: LiveChange[] = []
    table.onChange((change) => everything.push(change))
    const stop = table.onChange((change) => some.push(change), { columns: ['$id', 'payload'] })
    const [created] = await table.bulkCreate([{ name: 'a', payload: { n: 1 }, tags: [{ t: 'x' }] }])
    await table.update(created?.$id as string, { $set: { name: 'b' } })
    expect(everything[0]?.inserts[0]).toMatchObject({ name: 'a', payload: { n: 1 }, tags: [{ t: 'x' }] })
    expect(some[0]?.inserts).toEqual([{ $id: created?.$id, payload: { n: 1 } }])
    expect(some[1]).toEqual({ inserts: [{ $id: created?.$id, payload: { n: 1 } }], deletes: [{ $id: created?.$id, payload: { n: 1 } }] })
    stop()
    await table.delete(created?.$id as string)
    expect(some).toHaveLength(2)
    expect(everything[2]?.deletes[0]).toMatchObject({ name: 'b' })
    await table.close()
  })
})
