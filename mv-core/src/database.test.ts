import { describe, expect, it } from 'vitest'
import { Database } from './database.ts'
import { ParqueDBError } from './errors.ts'
import { memoryStorage } from './storage/memory.ts'
import type { StorageDriver } from './storage/types.ts'
import { memoryWal } from './wal/memory.ts'
import type { WalFactory } from './wal/types.ts'

const schema = {
  Order: {
    total: 'decimal(10,2)!',
    status: 'string!',
    customer: '-> Customer',
    tags: 'string[]',
    meta: 'variant?',
  },
  Customer: { name: 'string!', tier: 'string?' },
}

async function open(storage: StorageDriver = memoryStorage(), wal: WalFactory = memoryWal(), flush = {}) {
  return Database.open({ storage, wal, schema, flush: { maxAgeMs: 60_000, ...flush } })
}

function sortById<T extends Record<string, unknown>>(rows: readonly T[]): T[] {
  return [...rows].sort((a, b) => (String(a.$id) < String(b.$id) ? -1 : 1))
}

describe('Database writes', () => {
  it('creates entities with $id, createdAt and updatedAt, readable at once', async () => {
    const db = await open()
    const orders = db.collection('Order')
    const order = await orders.create({ total: 19.99, status: 'new' })
    expect(order.$id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/)
    expect(order.createdAt).toBeInstanceOf(Date)
    expect(order.updatedAt).toEqual(order.createdAt)
    expect(await orders.get(order.$id)).toMatchObject({ total: 19.99, status: 'new', customer: null })
    expect(await orders.find({ status: 'new' })).toHaveLength(1)
  })

  it('generates ids sortable by creation time', async () => {
    const db = await open()
    const created = await db.collection('Order').bulkCreate(Array.from({ length: 500 }, (_, i) => ({ total: i, status: 'new' })))
    const ids = created.map((row) => row.$id)
    expect([...ids].sort()).toEqual(ids)
  })

  it('rejects a bad batch whole, naming collection, row and field', async () => {
    const db = await open()
    const orders = db.collection('Order')
    const error = await orders.bulkCreate([{ total: 1, status: 'ok' }, { total: 'abc', status: 'ok' }]).catch((e: unknown) => e)
    expect(ParqueDBError.isInstance(error, 'VALIDATION')).toBe(true)
    expect((error as Error).message).toMatch(/collection "Order".*row 1.*total/)
    expect(await orders.find({})).toEqual([])
  })

  it('rejects unknown collections and duplicate ids', async () => {
    const db = await open()
    expect(() => db.collection('Nope')).toThrow(/unknown collection "Nope"/)
    const orders = db.collection('Order')
    await orders.create({ $id: 'o1', total: 1, status: 'new' })
    await expect(orders.create({ $id: 'o1', total: 2, status: 'new' })).rejects.toThrow(/\$id "o1" already exists/)
    await db.flush()
    await expect(orders.create({ $id: 'o1', total: 2, status: 'new' })).rejects.toThrow(/already exists/)
    await expect(orders.bulkCreate([{ $id: 'x', total: 1, status: 'a' }, { $id: 'x', total: 1, status: 'a' }])).rejects.toThrow(/twice/)
  })

  it('updates with plain patches and operators, in memory and after a flush', async () => {
    const db = await open()
    const orders = db.collection('Order')
    const order = await orders.create({ total: 10, status: 'new', tags: ['a'], meta: { n: 1 } })
    await orders.update(order.$id, { status: 'paid' })
    await db.flush()
    const updated = await orders.update(order.$id, { $inc: { total: 5 }, $push: { tags: 'b' }, $set: { 'meta.n': 2 } })
    expect(updated).toMatchObject({ total: 15, status: 'paid', tags: ['a', 'b'], meta: { n: 2 } })
    expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(order.updatedAt.getTime())
    await db.flush()
    expect(await orders.find({})).toEqual([updated])
    await orders.update(order.$id, { $unset: { meta: true } })
    expect((await orders.get(order.$id))?.meta).toBeNull()
  })

  it('rejects updates that break the schema or target missing entities', async () => {
    const db = await open()
    const orders = db.collection('Order')
    const order = await orders.create({ total: 10, status: 'new' })
    await expect(orders.update(order.$id, { total: 'x' })).rejects.toThrow(/total/)
    await expect(orders.update(order.$id, { $rename: { a: 'b' } })).rejects.toThrow(/unknown update operator \$rename/)
    await expect(orders.update(order.$id, { $id: 'other' })).rejects.toThrow(/cannot be updated/)
    await expect(orders.update('missing', { status: 'x' })).rejects.toThrow(/no entity with \$id "missing"/)
    expect(await orders.get(order.$id)).toMatchObject({ total: 10, status: 'new' })
  })

  it('deletes from the memtable and from flushed files', async () => {
    const db = await open()
    const orders = db.collection('Order')
    const [a, b, c] = await orders.bulkCreate([
      { total: 1, status: 'x' },
      { total: 2, status: 'x' },
      { total: 3, status: 'x' },
    ])
    expect(await orders.delete(a!.$id)).toBe(true)
    await db.flush()
    expect(await orders.delete(b!.$id)).toBe(true)
    expect(await orders.delete(b!.$id)).toBe(false)
    expect((await orders.find({})).map((row) => row.$id)).toEqual([c!.$id])
    await db.flush()
    expect((await orders.find({})).map((row) => row.$id)).toEqual([c!.$id])
  })
})

describe('Database reads', () => {
  it('finds across files and memtable with sort, skip, limit and projection', async () => {
    const db = await open(undefined, undefined, { maxRows: 100, rowGroupSize: 25 })
    const orders = db.collection('Order')
    const rows = Array.from({ length: 450 }, (_, i) => ({ total: i, status: i % 3 === 0 ? 'paid' : 'new', meta: { bucket: i % 5 } }))
    for (let i = 0; i < rows.length; i += 50) await orders.bulkCreate(rows.slice(i, i + 50))
    await db.flush()
    await orders.bulkCreate([{ total: 1000, status: 'paid' }])
    const paid = await orders.find({ status: 'paid' }, { sort: { total: -1 }, skip: 2, limit: 3, project: ['total'] })
    expect(paid.map((row) => row.total)).toEqual([444, 441, 438])
    expect(Object.keys(paid[0]!).sort()).toEqual(['$id', 'total'])
    expect(await orders.find({ 'meta.bucket': 4, total: { $lt: 30 } }, { sort: { total: 1 } })).toHaveLength(6)
    expect(await orders.find({}, { limit: 7 })).toHaveLength(7)
    expect((await orders.find({ total: { $gte: 440 } })).length).toBe(11)
  })

  it('scans columns without building rows, honouring pending deletes', async () => {
    const db = await open(undefined, undefined, { maxRows: 100 })
    const orders = db.collection('Order')
    const created = await orders.bulkCreate(Array.from({ length: 300 }, (_, i) => ({ total: i, status: 'new' })))
    await db.flush()
    await orders.delete(created[0]!.$id)
    await orders.create({ total: 1000, status: 'late' })
    let count = 0
    let sum = 0
    for await (const batch of orders.scan({ columns: ['total'] })) {
      count += batch.rowCount
      for (let i = 0; i < batch.rowCount; i++) sum += batch.columns.total![i] as number
    }
    expect(count).toBe(300)
    expect(sum).toBe((299 * 300) / 2 + 1000)
    await expect(orders.scan({ columns: ['nope'] }).next()).rejects.toThrow(/unknown column "nope"/)
  })

  it('scans timestamps as epoch milliseconds when asked, filters still comparing instants', async () => {
    const db = await open(undefined, undefined, { maxRows: 100 })
    const orders = db.collection('Order')
    const created = await orders.bulkCreate(Array.from({ length: 150 }, (_, i) => ({ total: i, status: 'new' })))
    await db.flush()
    await orders.create({ total: 1000, status: 'late' })
    const since = created[100]!.createdAt as Date
    const seen: unknown[] = []
    for await (const batch of orders.scan({ columns: ['createdAt'], millis: ['createdAt'], filter: { createdAt: { $gte: since } } })) {
      for (let i = 0; i < batch.rowCount; i++) seen.push(batch.columns.createdAt![i])
    }
    expect(seen.length).toBeGreaterThanOrEqual(51)
    expect(seen.every((value) => typeof value === 'number' && value >= since.getTime())).toBe(true)
    await expect(orders.scan({ columns: ['total'], millis: ['total'] }).next()).rejects.toThrow(/millis: "total" is not a timestamp column/)
  })

  it('hides superseded file rows even when the projection drops $id', async () => {
    const db = await open()
    const orders = db.collection('Order')
    const order = await orders.create({ total: 1, status: 'new' })
    await db.flush()
    await orders.update(order.$id, { status: 'paid' })
    expect(await orders.find({}, { project: { $id: 0, status: 1 } })).toEqual([{ status: 'paid' }])
  })

  it('rejects malformed filters naming the operator', async () => {
    const db = await open()
    await expect(db.collection('Order').find({ total: { $gtx: 1 } })).rejects.toThrow(/\$gtx/)
  })
})

describe('Database versions', () => {
  it('reads the changelog between versions, with before-images', async () => {
    const db = await open()
    const orders = db.collection('Order')
    const [a, b] = await orders.bulkCreate([
      { total: 1, status: 'new' },
      { total: 2, status: 'new' },
    ])
    await db.flush()
    const v1 = await orders.version()
    await orders.update(a!.$id, { status: 'paid' })
    await orders.delete(b!.$id)
    await orders.create({ total: 3, status: 'new' })
    await db.flush()
    const changes = []
    for await (const change of orders.changes(0)) changes.push(change)
    expect(changes.map((change) => change.version)).toEqual([v1, v1 + 1])
    expect(changes[0]!.inserts).toHaveLength(2)
    const second = changes[1]!
    expect(sortById(second.deletes).map((row) => [row.$id, row.status])).toEqual(sortById([a!, b!]).map((row) => [row.$id, 'new']))
    expect(second.inserts.map((row) => row.status).sort()).toEqual(['new', 'paid'])
  })

  it('notifies live changes in order', async () => {
    const db = await open()
    const orders = db.collection('Order')
    const seen: string[] = []
    orders.onChange((change) => seen.push(`+${change.inserts.length}-${change.deletes.length}`))
    const order = await orders.create({ total: 1, status: 'new' })
    await orders.update(order.$id, { status: 'paid' })
    await orders.delete(order.$id)
    expect(seen).toEqual(['+1-0', '+1-1', '+0-1'])
  })

  it('travels in time by version and by instant', async () => {
    const db = await open()
    const orders = db.collection('Order')
    const order = await orders.create({ total: 1, status: 'new' })
    await db.flush()
    const v1 = await orders.version()
    await new Promise((resolve) => setTimeout(resolve, 5))
    const between = new Date()
    await new Promise((resolve) => setTimeout(resolve, 5))
    await orders.update(order.$id, { status: 'paid' })
    await db.flush()
    expect((await orders.find({}, { asOf: v1 }))[0]?.status).toBe('new')
    expect((await orders.find({}, { asOf: between }))[0]?.status).toBe('new')
    expect((await orders.find({}))[0]?.status).toBe('paid')
    expect(await orders.find({}, { asOf: new Date(0) })).toEqual([])
    await expect(orders.find({}, { asOf: 99 })).rejects.toThrow(/version 99 does not exist/)
  })

  it('compacts without changing data and vacuums what no retained version needs', async () => {
    const storage = memoryStorage()
    const db = await open(storage)
    const orders = db.collection('Order')
    for (let i = 0; i < 5; i++) {
      await orders.bulkCreate([{ total: i, status: 'new' }])
      await db.flush()
    }
    const before = await orders.find({}, { sort: { total: 1 } })
    const versionBefore = await orders.version()
    const result = await orders.compact({ minFiles: 2 })
    expect(result?.removed).toHaveLength(5)
    expect(await orders.files()).toHaveLength(1)
    expect(await orders.find({}, { sort: { total: 1 } })).toEqual(before)
    const changes = []
    for await (const change of orders.changes(versionBefore)) changes.push(change)
    expect(changes).toEqual([]) // compaction is not a data change
    expect((await orders.vacuum({ retentionMs: 60_000 })).deleted).toEqual([])
    const vacuumed = await orders.vacuum({ retentionMs: 0, now: Date.now() + 1000 })
    expect(vacuumed.deleted).toHaveLength(5)
    expect(await orders.find({}, { sort: { total: 1 } })).toEqual(before)
    await expect(orders.find({}, { asOf: versionBefore })).rejects.toThrow(/vacuumed/)
  })

  it('keeps opening fast past checkpoints and replays the WAL after a restart', async () => {
    const storage = memoryStorage()
    const wal = memoryWal()
    const db = await open(storage, wal)
    const orders = db.collection('Order')
    for (let i = 0; i < 40; i++) {
      await orders.create({ total: i, status: 'new' })
      await db.flush()
    }
    const pending = await orders.create({ total: 99, status: 'pending' })
    // Simulate a crash: no close(), reopen on the same storage and WAL.
    const reopened = await open(storage, wal)
    const all = await reopened.collection('Order').find({}, { sort: { total: 1 } })
    expect(all).toHaveLength(41)
    expect(all.at(-1)).toEqual(pending)
    expect((await storage.list('Order/_log/')).some((object) => object.key.endsWith('.checkpoint.json'))).toBe(true)
  })

  it('flushes on its own by size and by age', async () => {
    const storage = memoryStorage()
    const db = await Database.open({ storage, schema, flush: { maxRows: 100, maxAgeMs: 30 } })
    const orders = db.collection('Order')
    await orders.bulkCreate(Array.from({ length: 250 }, (_, i) => ({ total: i, status: 'new' })))
    await waitFor(async () => (await orders.version()) >= 1)
    await orders.create({ total: 1, status: 'late' })
    await waitFor(async () => (await orders.find({}, { asOf: await orders.version() })).length === 251)
    await db.close()
  })

  it('vacuums files no commit ever published, and expires changelogs it removed', async () => {
    const storage = memoryStorage()
    const db = await open(storage)
    const orders = db.collection('Order')
    const order = await orders.create({ total: 1, status: 'new' })
    await db.flush()
    await orders.update(order.$id, { status: 'paid' })
    await db.flush()
    await storage.put('Order/data/orphan.parquet', new Uint8Array([1, 2, 3]))
    const result = await orders.vacuum({ retentionMs: 0, now: Date.now() + 1000 })
    expect(result.deleted).toContain('data/orphan.parquet')
    // The orphan, the file the update replaced, and the update's before-images.
    expect(result.deleted).toHaveLength(3)
    expect(await orders.find({})).toMatchObject([{ status: 'paid' }])
    await expect(async () => {
      for await (const change of orders.changes(0)) void change
    }).rejects.toThrow(/vacuumed/)
  })
})

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

describe('Batches for derived tables', () => {
  it('applies upserts and deletes as one write, with before-images for the changelog', async () => {
    const db = await open()
    const orders = db.collection('Order')
    await orders.bulkCreate([
      { $id: 'a', total: 1, status: 'new' },
      { $id: 'b', total: 2, status: 'new' },
    ])
    await db.flush()
    const seen: { inserts: number; deletes: number }[] = []
    orders.onChange((change) => seen.push({ inserts: change.inserts.length, deletes: change.deletes.length }))
    await orders.table.applyBatch({ upserts: [{ $id: 'a', total: 5, status: 'paid' }, { $id: 'c', total: 3, status: 'new' }], deleteIds: ['b', 'missing'] })
    expect(seen).toEqual([{ inserts: 2, deletes: 2 }])
    expect((await orders.find({}, { sort: { $id: 1 } })).map((row) => [row.$id, row.status])).toEqual([
      ['a', 'paid'],
      ['c', 'new'],
    ])
    await db.flush()
    const last = []
    for await (const change of orders.changes((await orders.version()) - 1)) last.push(change)
    expect(last[0]?.deletes.map((row) => row.$id).sort()).toEqual(['a', 'b'])
    await expect(orders.table.applyBatch({ upserts: [{ total: 1, status: 'x' }] })).rejects.toThrow(/needs its \$id/)
    await expect(orders.table.applyBatch({ upserts: [{ $id: 'a', total: 1, status: 'x' }], deleteIds: ['a'] })).rejects.toThrow(/both upserted and deleted/)
  })

  it('replaces the whole contents in one commit and expires the changelog across it', async () => {
    const db = await open()
    const orders = db.collection('Order')
    await orders.bulkCreate(Array.from({ length: 20 }, (_, i) => ({ total: i, status: 'old' })))
    await db.flush()
    await orders.create({ total: 100, status: 'pending' })
    const before = await orders.version()
    await orders.table.replaceContents([{ total: 1, status: 'fresh' }, { total: 2, status: 'fresh' }])
    expect((await orders.find({})).map((row) => row.status)).toEqual(['fresh', 'fresh'])
    expect(await orders.files()).toHaveLength(1)
    await expect(async () => {
      for await (const change of orders.changes(before)) void change
    }).rejects.toThrow(/replaced the whole table/)
    expect((await orders.find({}, { asOf: before })).length).toBe(20)
  })
})

describe('pending changes', () => {
  it('are the net uncommitted changes: before-images of committed rows, current versions of the rest', async () => {
    const db = await open()
    const orders = db.collection('Order')
    const [a, b] = await orders.bulkCreate([
      { total: 1, status: 'a' },
      { total: 2, status: 'b' },
    ])
    await db.flush()
    await orders.update(a!.$id, { status: 'a2' })
    await orders.update(a!.$id, { status: 'a3' })
    await orders.delete(b!.$id)
    const c = await orders.create({ total: 3, status: 'c', meta: { deep: [1] } })
    const gone = await orders.create({ total: 4, status: 'gone' })
    await orders.delete(gone.$id)
    const pending = orders.table.pendingChanges()
    expect(pending.deletes.map((row) => [row.$id, row.status]).sort()).toEqual([[a!.$id, 'a'], [b!.$id, 'b']].sort())
    expect(pending.inserts.map((row) => [row.$id, row.status]).sort()).toEqual([[a!.$id, 'a3'], [c.$id, 'c']].sort())
    expect(pending.inserts.find((row) => row.$id === c.$id)?.meta).toEqual({ deep: [1] })
  })
})
