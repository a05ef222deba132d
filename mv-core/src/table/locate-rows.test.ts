import { describe, expect, it } from 'vitest'
import { parseSchema } from '../schema/parse-schema.ts'
import { VariantText } from '../schema/variant-text.ts'
import { memoryStorage } from '../storage/memory.ts'
import { memoryWal } from '../wal/memory.ts'
import { locateRows } from './locate-rows.ts'
import { Table } from './table.ts'

const schema = parseSchema('Item', { value: 'int!', payload: 'variant' })

describe('locateRows', () => {
  it('finds ids across files and row groups, with stored-form rows only when asked', async () => {
    const table = await Table.open({ storage: memoryStorage(), wal: await memoryWal()('Item'), schema, prefix: 'Item/', writerId: 'main', flush: { maxRows: 1_000, maxAgeMs: 60_000, rowGroupSize: 7 } })
    const ids: string[] = []
    for (let file = 0; file < 3; file++) {
      const created = await table.bulkCreate(Array.from({ length: 30 }, (_, index) => ({ value: file * 100 + index, payload: { n: index } })))
      ids.push(...created.map((row) => row.$id as string))
      await table.flush()
    }
    const snapshot = await table.refresh()
    expect(snapshot.files.size).toBe(3)
    const wanted = new Set([ids[0], ids[15], ids[29], ids[44], ids[89], 'absent'] as string[])

    const located = await locateRows(table.reader, snapshot, wanted, { rows: true })
    expect([...located.keys()].sort()).toEqual([...wanted].filter((id) => id !== 'absent').sort())
    const hit = located.get(ids[44] as string)
    expect(hit?.row?.value).toBe(114)
    expect(hit?.row?.payload).toBeInstanceOf(VariantText)
    expect((hit?.row?.payload as VariantText).parse()).toEqual({ n: 14 })
    expect(snapshot.files.get(hit?.file.path as string)).toBe(hit?.file)

    const placesOnly = await locateRows(table.reader, snapshot, wanted, { rows: false })
    expect([...placesOnly.keys()].sort()).toEqual([...located.keys()].sort())
    expect([...placesOnly.values()].every((place) => place.row === undefined)).toBe(true)
    await table.close()
  })
})
