import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Database, type OpenDatabase } from '../database.ts'
import { ParqueDBError } from '../errors.ts'
import { memoryStorage } from '../storage/memory.ts'
import { generateTailEvents, tailEventsDefinition } from '../testing/tail-events.ts'
import { seedViews } from '../views/define/test-fixtures.ts'

const HOUR = 3_600_000
let db: OpenDatabase

beforeAll(async () => {
  db = await Database.open({
    storage: memoryStorage(),
    schema: { TailEvents: tailEventsDefinition, WorkerRequests: seedViews.WorkerRequests as Record<string, unknown>, Note: { text: 'string!', seenAt: 'timestamp?' } },
    scheduler: 'external',
  })
  // Two hours of events up to now: the seed's "last hour" query sees about half of them.
  await db.collection('TailEvents').bulkCreate(generateTailEvents({ count: 1200, seed: 7, start: new Date(Date.now() - 2 * HOUR), eventsPerSecond: 1200 / 7200 }))
  await db.collection('Note').bulkCreate([{ text: "it's" }, { text: 'plain', seenAt: new Date('2026-01-01T00:00:00Z') }])
})

afterAll(() => db.close())

async function rejection(run: () => Promise<unknown>): Promise<ParqueDBError> {
  const error = await run().then(
    () => undefined,
    (caught: unknown) => caught,
  )
  if (!ParqueDBError.isInstance(error)) throw new Error(`expected a ParqueDBError, got ${String(error)}`)
  return error
}

describe('db.sql', () => {
  it("runs the seed's error-rate query over a view, with the view's freshness", async () => {
    const rows = await db.sql`
      SELECT scriptName, COUNT(*) as total,
             SUM(CASE WHEN outcome != 'ok' THEN 1 ELSE 0 END) * 100.0 / COUNT(*) as error_rate
      FROM WorkerRequests
      WHERE timestamp > NOW() - INTERVAL '1 hour'
      GROUP BY scriptName
      ORDER BY error_rate DESC
    `
    const hourAgo = Date.now() - HOUR
    const requests = await db.views.WorkerRequests!.find({ timestamp: { $gt: new Date(hourAgo) } })
    const expected = new Map<string, { total: number; errors: number }>()
    for (const row of requests) {
      const entry = expected.get(row.scriptName as string) ?? { total: 0, errors: 0 }
      entry.total++
      if (row.outcome !== 'ok') entry.errors++
      expected.set(row.scriptName as string, entry)
    }
    expect(rows.length).toBe(expected.size)
    for (const row of rows) {
      const entry = expected.get(row.scriptName as string)!
      expect(row.total).toBe(entry.total)
      expect(row.error_rate).toBeCloseTo((entry.errors * 100) / entry.total, 9)
    }
    const rates = rows.map((row) => row.error_rate as number)
    expect(rates).toEqual([...rates].sort((a, b) => b - a))
    expect(rows.meta).toMatchObject({ servedFrom: 'view', view: 'WorkerRequests', from: 'WorkerRequests', stale: false })
    expect(Object.keys(rows[0]!)).toEqual(['scriptName', 'total', 'error_rate'])
  })

  it('binds interpolated values as parameters: text in a value never becomes SQL', async () => {
    const hostile = "x' OR '1'='1"
    expect(await db.sql`SELECT text FROM Note WHERE text = ${hostile}`).toEqual([])
    expect(await db.sql`SELECT text FROM Note WHERE text = ${"it's"}`).toEqual([{ text: "it's" }])
    expect(await db.sql`SELECT text FROM Note WHERE text = 'it''s'`).toEqual([{ text: "it's" }])
    expect(await db.sql`SELECT text FROM Note WHERE text = ${'$literal'}`).toEqual([])
    expect(await db.sql`SELECT text FROM Note WHERE seenAt >= ${new Date('2025-12-31T00:00:00Z')}`).toEqual([{ text: 'plain' }])
    expect(await db.sql`SELECT text FROM Note WHERE seenAt = '2026-01-01 00:00:00'`).toEqual([{ text: 'plain' }])
  })

  it('answers from a collection with its version, and counts over no rows as one row', async () => {
    const rows = await db.sql`SELECT COUNT(*) AS n, MAX(wallTime) AS top FROM TailEvents WHERE scriptName = ${'no-such-script'}`
    expect(rows).toEqual([{ n: 0, top: null }])
    expect(rows.meta).toMatchObject({ servedFrom: 'source', from: 'TailEvents', asOf: { TailEvents: expect.any(Number) }, stale: false })
  })

  it('names output columns by alias, column or function', async () => {
    const [row] = await db.sql`SELECT COUNT(*), MIN(wallTime), scriptName FROM TailEvents GROUP BY scriptName LIMIT 1`
    expect(Object.keys(row!)).toEqual(['count', 'min', 'scriptName'])
  })

  it.each([
    ['SELECT * FROM TailEvents t JOIN Note n ON t.scriptName = n.text', /INNER JOIN is not supported/],
    ['SELECT * FROM (SELECT scriptName FROM TailEvents) s', /a subquery in FROM is not supported/],
    ['SELECT scriptName FROM TailEvents WHERE scriptName IN (SELECT text FROM Note)', /subqueries is not supported/],
    ['SELECT text FROM Note UNION SELECT text FROM Note', /UNION is not supported/],
    ['WITH x AS (SELECT text FROM Note) SELECT * FROM x', /WITH \(common table expressions\) is not supported/],
    ['SELECT text, ROW_NUMBER() OVER (ORDER BY text) FROM Note', /window function ROW_NUMBER\(\) OVER/],
    ["INSERT INTO Note (text) VALUES ('x')", /INSERT is not supported/],
    ['SELECT text FROM Note; SELECT text FROM Note', /several statements \(2\)/],
    ['SELECT COUNT(DISTINCT text) FROM Note', /COUNT\(DISTINCT \.\.\.\) is not supported/],
    ["SELECT text FROM Note WHERE seenAt > NOW() - INTERVAL '1 month'", /INTERVAL in months is not supported/],
    ['SELECT UPPER(text) FROM Note', /function UPPER\(\) is not supported/],
    ['SELECT wallTime % 2 FROM TailEvents', /operator % is not supported/],
    ['SELECT STDDEV_POP(wallTime) FROM TailEvents', /aggregate STDDEV_POP\(\) is not supported: the sample forms/],
    ['SELECT text FROM Note WHERE COUNT(*) > 1', /WHERE: aggregate COUNT\(\) is not allowed here/],
    ['SELECT scriptName, outcome, COUNT(*) FROM TailEvents GROUP BY scriptName', /SELECT: column "outcome" must appear in GROUP BY/],
    ['SELECT scriptNme FROM TailEvents', /column "scriptNme" does not exist in "TailEvents" \(did you mean "scriptName"\?\)/],
    ['SELECT x FROM Nope', /FROM: no collection or view is named "Nope"/],
    ["SELECT text FROM Note HAVING text = 'x'", /HAVING needs GROUP BY or an aggregate/],
    ['SELECT text, text FROM Note', /two output columns are named "text"/],
    ['SELEC text FROM Note', /syntax error/],
    ["SELECT text FROM Note WHERE text LIKE 'a%' OR UPPER(text) = 'A'", /function UPPER\(\) is not supported/],
    ["SELECT CASE WHEN text LIKE 'a%' THEN 1 END AS a FROM Note", /LIKE outside WHERE is not supported/],
    ["SELECT date_trunc('year', seenAt) AS y, COUNT(*) AS n FROM Note GROUP BY 1", /date_trunc\("year", \.\.\.\) is not supported/],
    ['SELECT text FROM Note LIMIT -1', /LIMIT must be a non-negative integer/],
    ["SELECT text FROM Note WHERE seenAt > 'soon'", /"soon" is not a timestamp/],
  ])('refuses %s, naming the construct', async (text, message) => {
    const error = await rejection(() => db.sql(text))
    expect(error.code).toBe('BAD_SQL')
    expect(error.message).toMatch(message)
  })

  it('says to quote an entry named like a keyword (Order) when the query does not parse', async () => {
    const other = await Database.open({ storage: memoryStorage(), schema: { Order: { total: 'double!' } } })
    try {
      await other.collection('Order').create({ total: 3 })
      await expect(other.sql('SELECT COUNT(*) AS n FROM Order')).rejects.toThrow(/"Order" is an SQL keyword: quote it, as in FROM "Order"/)
      expect(await other.sql('SELECT COUNT(*) AS n FROM "Order"')).toEqual([{ n: 1 }])
    } finally {
      await other.close()
    }
  })

  it('refuses values it cannot bind, naming the parameter', async () => {
    const list = ['a', 'b']
    const error = await rejection(() => db.sql`SELECT text FROM Note WHERE text = ${list}`)
    expect(error.code).toBe('BAD_SQL')
    expect(error.message).toMatch(/parameter \$1 is an array.*IN \(\$\{a\}, \$\{b\}\)/)
    expect(await db.sql`SELECT text FROM Note WHERE text IN (${list[0]}, ${"it's"})`).toEqual([{ text: "it's" }])
    expect((await rejection(() => db.sql`SELECT text FROM Note WHERE text = ${undefined}`)).message).toMatch(/parameter \$1 is undefined/)
    expect((await rejection(() => db.sql('SELECT text FROM Note', 1))).message).toMatch(/tagged template/)
  })
})
