import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { afterAll, describe, expect, it } from 'vitest'
import { Database } from '@parquedb/mv-core'
import { fsStorage, fsWal } from '@parquedb/mv-core/fs'
import { generateTailEvents, tailEventsDefinition } from '@parquedb/mv-core/testing'

const dirs: string[] = []
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true })
})

describe('a table on disk is plain Parquet', () => {
  it('DuckDB reads the live files of a table and sees exactly the rows find returns', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parquedb-golden-'))
    dirs.push(dir)
    const db = await Database.open({
      storage: fsStorage({ root: dir }),
      wal: fsWal({ root: join(dir, '_wal') }),
      schema: { TailEvents: tailEventsDefinition },
      flush: { maxRows: 1_500, rowGroupSize: 500 },
    })
    const tail = db.collection('TailEvents')
    const created = await tail.bulkCreate(generateTailEvents({ count: 5_000, seed: 11 }))
    await db.flush()
    // Updates and deletes rewrite files: the live set must still read as one consistent table.
    for (const entity of created.slice(0, 50)) await tail.update(entity.$id, { outcome: 'canceled', wallTime: 1 })
    for (const entity of created.slice(50, 80)) await tail.delete(entity.$id)
    await db.flush()

    const ours = await tail.find({}, { sort: { $id: 1 } })
    expect(ours).toHaveLength(4_970)
    const files = (await tail.files()).map((key) => `'${join(dir, key)}'`).join(', ')
    const instance = await DuckDBInstance.create()
    const connection = await instance.connect()
    const reader = await connection.runAndReadAll(
      `SELECT "$id" AS id, scriptName, outcome, epoch_ms(eventTimestamp) AS ts, wallTime, cpuTime, CAST(event AS VARCHAR) AS event, CAST(to_json(logs) AS VARCHAR) AS logs
       FROM read_parquet([${files}]) ORDER BY "$id"`,
    )
    const theirs = reader.getRowObjectsJS()
    expect(theirs).toHaveLength(ours.length)
    theirs.forEach((row, index) => {
      const mine = ours[index]!
      expect(row.id).toBe(mine.$id)
      expect(row.scriptName).toBe(mine.scriptName)
      expect(row.outcome).toBe(mine.outcome)
      expect(Number(row.ts)).toBe((mine.eventTimestamp as Date).getTime())
      expect(row.wallTime).toBe(mine.wallTime)
      expect(row.cpuTime).toBe(mine.cpuTime)
      expect(row.event === null ? null : JSON.parse(row.event as string)).toEqual(mine.event)
      expect(row.logs === null ? null : (JSON.parse(row.logs as string) as unknown[]).map((item) => (typeof item === 'string' ? JSON.parse(item) : item))).toEqual(mine.logs)
    })
    connection.closeSync()
    await db.close()
  }, 60_000)
})
