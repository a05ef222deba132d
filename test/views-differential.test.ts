import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Database, memoryStorage, memoryWal, type Row } from '@parquedb/mv-core'
import { expectSameRows } from './support/same-rows.ts'
import { createRandom, generateTailEvents, tailEventsDefinition } from '@parquedb/mv-core/testing'

/**
 * The differential suite at database level: random workloads (inserts in batches, updates,
 * deletes, flushes, crashes, refreshes) through `Database`, then every view must equal (1) its
 * own full refresh and (2) DuckDB computing the same thing over the raw source rows.
 *
 * DIFF_RUNS sets the number of workloads (default 25), e.g. DIFF_RUNS=200 for a soak.
 */

const RUNS = Number(process.env.DIFF_RUNS ?? 25)
const MAX_OPS = Number(process.env.DIFF_MAX_OPS ?? 25)

/** Monday 2024-01-15, so week and hour buckets are easy to reason about when a run fails. */
const T0 = Date.UTC(2024, 0, 15)
const MINUTE = 60_000
const DAY = 1_440 * MINUTE

// The seed's definitions, adapted where they disagree with their own schema: EndpointMetrics
// averages `latency`, which WorkerRequests never selects, so WorkerRequests selects `wallTime`
// and EndpointMetrics averages it; EndpointMetrics is streaming (a scheduled view is not
// maintained incrementally, so there is nothing to compare).
const schema = {
  TailEvents: tailEventsDefinition,
  AIRequests: {
    $type: 'AIRequest',
    modelId: 'string!',
    providerId: 'string!',
    requestType: 'string!',
    tokens: 'int?',
    latencyMs: 'int!',
    cached: 'boolean!',
    error: 'variant?',
    timestamp: 'timestamp!',
  },
  EvalScores: {
    $type: 'EvalScore',
    runId: 'int!',
    suiteName: 'string!',
    scorerName: 'string!',
    score: 'decimal(5,4)!',
    timestamp: 'timestamp!',
  },
  WorkerErrors: {
    $from: 'TailEvents',
    $filter: { $or: [{ outcome: { $ne: 'ok' } }, { 'exceptions.0': { $exists: true } }] },
    $select: {
      scriptName: '$scriptName',
      outcome: '$outcome',
      exceptionName: '$exceptions.0.name',
      exceptionMessage: '$exceptions.0.message',
      url: '$event.request.url',
      status: '$event.response.status',
      colo: '$event.request.cf.colo',
      timestamp: '$eventTimestamp',
    },
  },
  WorkerLogs: {
    $from: 'TailEvents',
    $unnest: 'logs',
    $select: { scriptName: '$scriptName', level: '$logs.level', message: '$logs.message', timestamp: '$logs.timestamp', colo: '$event.request.cf.colo' },
  },
  WorkerRequests: {
    $from: 'TailEvents',
    $filter: { event: { $exists: true } },
    $select: {
      scriptName: '$scriptName',
      method: '$event.request.method',
      url: '$event.request.url',
      status: '$event.response.status',
      outcome: '$outcome',
      colo: '$event.request.cf.colo',
      country: '$event.request.cf.country',
      wallTime: '$wallTime',
      timestamp: '$eventTimestamp',
    },
  },
  EndpointMetrics: {
    $from: 'WorkerRequests',
    $groupBy: ['scriptName', 'method', { hour: '$timestamp' }],
    $compute: {
      requestCount: { $count: '*' },
      avgLatency: { $avg: 'wallTime' },
      errorRate: { $avg: { $cond: [{ $ne: ['$outcome', 'ok'] }, 1, 0] } },
    },
  },
  DailyAIUsage: {
    $from: 'AIRequests',
    $groupBy: ['modelId', 'providerId', { date: '$timestamp' }],
    $compute: {
      requestCount: { $count: '*' },
      totalTokens: { $sum: 'tokens' },
      avgLatency: { $avg: 'latencyMs' },
      cacheHitRate: { $avg: { $cond: ['$cached', 1, 0] } },
      errorCount: { $sum: { $cond: [{ $exists: '$error' }, 1, 0] } },
      minLatency: { $min: 'latencyMs' },
      maxLatency: { $max: 'latencyMs' },
      sdLatency: { $stddev: 'latencyMs' },
    },
  },
  WeeklyAIUsage: {
    $from: 'DailyAIUsage',
    $groupBy: [{ week: '$date' }],
    $compute: { totalRequests: { $sum: 'requestCount' } },
  },
  EvalTrends: {
    $from: 'EvalScores',
    $groupBy: ['suiteName', 'scorerName', { week: '$timestamp' }],
    $compute: {
      avgScore: { $avg: 'score' },
      minScore: { $min: 'score' },
      maxScore: { $max: 'score' },
      runCount: { $count: '*' },
    },
  },
}

type Source = 'TailEvents' | 'AIRequests' | 'EvalScores'
const SOURCES: readonly Source[] = ['TailEvents', 'AIRequests', 'EvalScores']

/** Upstream views before their dependants, so a cascade is read after its source. */
const VIEWS = ['WorkerErrors', 'WorkerLogs', 'WorkerRequests', 'EndpointMetrics', 'DailyAIUsage', 'WeeklyAIUsage', 'EvalTrends'] as const
type ViewName = (typeof VIEWS)[number]

interface Oracle {
  /** Rows views compare by `$id`; grouped views by these columns. */
  readonly keys: readonly string[] | null
  /** Columns DuckDB returns as JSON text. */
  readonly json: readonly string[]
  readonly sql: string
}

const colo = `json_extract_string(event, '$.request.cf.colo')`
const element = (path: string) => `'$[' || i || ']${path}'`

/** Hand-written SQL per view over the tables `tail`, `ai` and `evals` (see loadSources). */
const ORACLES: Record<ViewName, Oracle> = {
  WorkerErrors: {
    keys: null,
    json: [],
    sql: `SELECT id AS "$id", scriptName, outcome,
        json_extract_string(exceptions, '$[0].name') AS exceptionName,
        json_extract_string(exceptions, '$[0].message') AS exceptionMessage,
        json_extract_string(event, '$.request.url') AS url,
        CAST(json_extract_string(event, '$.response.status') AS DOUBLE) AS status,
        ${colo} AS colo, epoch_ms(ts)::DOUBLE AS timestamp
      FROM tail
      WHERE outcome <> 'ok' OR coalesce(json_type(json_extract(exceptions, '$[0]')) <> 'NULL', false)`,
  },
  WorkerLogs: {
    keys: null,
    json: ['message'],
    sql: `SELECT id || '#' || i AS "$id", scriptName,
        json_extract_string(logs, ${element('.level')}) AS level,
        CAST(json_extract(logs, ${element('.message')}) AS VARCHAR) AS message,
        CAST(json_extract_string(logs, ${element('.timestamp')}) AS DOUBLE) AS timestamp,
        ${colo} AS colo
      FROM (SELECT *, unnest(range(CAST(json_array_length(logs) AS BIGINT))) AS i FROM tail)`,
  },
  WorkerRequests: {
    keys: null,
    json: [],
    sql: `SELECT id AS "$id", scriptName,
        json_extract_string(event, '$.request.method') AS method,
        json_extract_string(event, '$.request.url') AS url,
        CAST(json_extract_string(event, '$.response.status') AS DOUBLE) AS status,
        outcome, ${colo} AS colo, json_extract_string(event, '$.request.cf.country') AS country,
        wallTime::DOUBLE AS wallTime, epoch_ms(ts)::DOUBLE AS timestamp
      FROM tail WHERE event IS NOT NULL`,
  },
  EndpointMetrics: {
    keys: ['scriptName', 'method', 'hour'],
    json: [],
    sql: `SELECT scriptName, json_extract_string(event, '$.request.method') AS method, epoch_ms(date_trunc('hour', ts))::DOUBLE AS hour,
        count(*)::DOUBLE AS requestCount, avg(wallTime) AS avgLatency,
        avg(CASE WHEN outcome <> 'ok' THEN 1 ELSE 0 END) AS errorRate
      FROM tail WHERE event IS NOT NULL GROUP BY ALL`,
  },
  DailyAIUsage: {
    keys: ['modelId', 'providerId', 'date'],
    json: [],
    sql: `SELECT modelId, providerId, strftime(ts, '%Y-%m-%d') AS date,
        count(*)::DOUBLE AS requestCount, sum(tokens)::DOUBLE AS totalTokens, avg(latencyMs) AS avgLatency,
        avg(CASE WHEN cached THEN 1 ELSE 0 END) AS cacheHitRate,
        sum(CASE WHEN error IS NOT NULL THEN 1 ELSE 0 END)::DOUBLE AS errorCount,
        min(latencyMs)::DOUBLE AS minLatency, max(latencyMs)::DOUBLE AS maxLatency, stddev_samp(latencyMs) AS sdLatency
      FROM ai GROUP BY ALL`,
  },
  WeeklyAIUsage: {
    keys: ['week'],
    json: [],
    // The cascade as written: daily groups first, then their Monday weeks.
    sql: `WITH daily AS (SELECT CAST(ts AS DATE) AS date, count(*) AS requestCount FROM ai GROUP BY modelId, providerId, CAST(ts AS DATE))
      SELECT epoch_ms(CAST(date_trunc('week', date) AS TIMESTAMP))::DOUBLE AS week, sum(requestCount)::DOUBLE AS totalRequests
      FROM daily GROUP BY ALL`,
  },
  EvalTrends: {
    keys: ['suiteName', 'scorerName', 'week'],
    json: [],
    sql: `SELECT suiteName, scorerName, epoch_ms(date_trunc('week', ts))::DOUBLE AS week,
        avg(score)::DOUBLE AS avgScore, min(score)::DOUBLE AS minScore, max(score)::DOUBLE AS maxScore, count(*)::DOUBLE AS runCount
      FROM evals GROUP BY ALL`,
  },
}

// ---------------------------------------------------------------------------------------------
// Source rows: seeded generators, deterministic from the values fast-check draws.

function aiRequestRows(seed: number, count: number): Row[] {
  const random = createRandom(seed)
  return Array.from({ length: count }, () => ({
    modelId: random.pick(['gpt-4o', 'claude', 'llama']),
    providerId: random.pick(['openai', 'anthropic']),
    requestType: random.pick(['generate', 'stream']),
    tokens: random.chance(0.2) ? null : random.int(0, 5_000),
    latencyMs: random.chance(0.3) ? random.pick([10, 100, 1_000]) : random.int(1, 3_000),
    cached: random.chance(0.3),
    error: random.chance(0.25) ? { message: random.pick(['rate limited', 'timeout']), code: random.int(400, 599) } : null,
    // Three weeks around T0, so days, weeks and their edges all occur.
    timestamp: new Date(T0 - 2 * DAY + random.int(0, 21 * 1_440) * MINUTE),
  }))
}

function evalScoreRows(seed: number, count: number): Row[] {
  const random = createRandom(seed)
  return Array.from({ length: count }, () => ({
    runId: random.int(1, 5),
    suiteName: random.pick(['qa', 'chat']),
    scorerName: random.pick(['exact', 'fuzzy']),
    score: random.chance(0.3) ? random.pick([0, 0.5, 1]) : random.int(0, 10_000) / 10_000,
    timestamp: new Date(T0 - 3 * DAY + random.int(0, 28 * 1_440) * MINUTE),
  }))
}

/** Tail events two minutes apart from a random start within a day, so batches share and split hours. */
function tailRows(seed: number, count: number): Row[] {
  const start = new Date(T0 + createRandom(seed).int(0, 1_440) * MINUTE)
  return generateTailEvents({ count, seed, start, eventsPerSecond: 1 / 120 })
}

const GENERATE: Record<Source, (seed: number, count: number) => Row[]> = { TailEvents: tailRows, AIRequests: aiRequestRows, EvalScores: evalScoreRows }

const instant = (days: number) => fc.integer({ min: 0, max: days * 1_440 }).map((minute) => new Date(T0 - 2 * DAY + minute * MINUTE))
const patch = <T extends Record<string, fc.Arbitrary<unknown>>>(fields: T) => fc.record(fields, { requiredKeys: [] }).filter((value) => Object.keys(value).length > 0)

const tailPatch = patch({
  scriptName: fc.constantFrom('api-gateway', 'storefront', 'webhooks'),
  outcome: fc.constantFrom('ok', 'ok', 'exception', 'canceled'),
  eventTimestamp: instant(3),
  wallTime: fc.option(fc.integer({ min: 0, max: 9_999 })),
  event: fc.oneof(
    fc.constant(null),
    fc.record({ cron: fc.constant('0 3 * * *') }),
    fc.record({
      request: fc.record({ method: fc.constantFrom('GET', 'POST'), url: fc.constantFrom('https://a/x', 'https://a/y'), cf: fc.record({ colo: fc.constantFrom('SJC', 'FRA'), country: fc.constantFrom('US', 'DE') }) }),
      response: fc.option(fc.record({ status: fc.constantFrom(200, 404, 500) }), { nil: undefined }),
    }),
  ),
  logs: fc.array(
    fc.oneof(
      { weight: 1, arbitrary: fc.constant(null) },
      { weight: 6, arbitrary: fc.record({ level: fc.constantFrom('info', 'warn', 'error'), message: fc.oneof(fc.constantFrom('a', 'b'), fc.array(fc.constantFrom('x', 'y'), { maxLength: 2 })), timestamp: fc.integer({ min: 0, max: 9 }) }) },
    ),
    { maxLength: 3 },
  ),
  exceptions: fc.oneof(fc.constant([]), fc.array(fc.record({ name: fc.constantFrom('TypeError', 'Error'), message: fc.constantFrom('x', 'y') }), { minLength: 1, maxLength: 2 })),
})

const aiPatch = patch({
  modelId: fc.constantFrom('gpt-4o', 'claude'),
  providerId: fc.constantFrom('openai', 'anthropic'),
  tokens: fc.option(fc.integer({ min: 0, max: 5_000 })),
  latencyMs: fc.integer({ min: 1, max: 3_000 }),
  cached: fc.boolean(),
  error: fc.option(fc.record({ message: fc.constantFrom('rate limited', 'timeout') })),
  timestamp: instant(21),
})

const evalPatch = patch({
  suiteName: fc.constantFrom('qa', 'chat'),
  scorerName: fc.constantFrom('exact', 'fuzzy'),
  score: fc.integer({ min: 0, max: 10_000 }).map((n) => n / 10_000),
  runId: fc.integer({ min: 1, max: 5 }),
  timestamp: instant(28),
})

/** Full refreshes in the middle of workloads are on; DIFF_MIDWAY_FULL_REFRESH=0 turns them off to isolate a failure. */
const MIDWAY_FULL_REFRESH = process.env.DIFF_MIDWAY_FULL_REFRESH !== '0'
function withMidwayRefreshSetting(op: { kind: 'refresh'; view: ViewName; full: boolean }): Op {
  return MIDWAY_FULL_REFRESH ? op : { ...op, full: false }
}

type Op =
  | { kind: 'insert'; source: Source; size: number; seed: number }
  | { kind: 'update'; source: Source; pick: number; patch: Row }
  | { kind: 'delete'; source: Source; pick: number }
  | { kind: 'flush' }
  | { kind: 'crash' }
  | { kind: 'refresh'; view: ViewName; full: boolean }

const sourceArb = fc.constantFrom<Source>(...SOURCES)
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('insert' as const), source: sourceArb, size: fc.integer({ min: 1, max: 25 }), seed: fc.nat(1_000_000) }) },
  {
    weight: 3,
    arbitrary: fc.oneof(
      fc.record({ kind: fc.constant('update' as const), source: fc.constant<Source>('TailEvents'), pick: fc.nat(), patch: tailPatch }),
      fc.record({ kind: fc.constant('update' as const), source: fc.constant<Source>('AIRequests'), pick: fc.nat(), patch: aiPatch }),
      fc.record({ kind: fc.constant('update' as const), source: fc.constant<Source>('EvalScores'), pick: fc.nat(), patch: evalPatch }),
    ),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), source: sourceArb, pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'flush' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'crash' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('refresh' as const), view: fc.constantFrom(...VIEWS), full: fc.boolean() }).map(withMidwayRefreshSetting) },
)

// ---------------------------------------------------------------------------------------------
// DuckDB: the raw source rows, loaded as plain columns and JSON text.

let instance: DuckDBInstance
let connection: DuckDBConnection

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:')
  connection = await instance.connect()
})

afterAll(() => {
  connection.closeSync()
  instance.closeSync()
})

const text = (value: unknown) => (value === null || value === undefined ? 'NULL' : `'${String(value).replaceAll("'", "''")}'`)
const json = (value: unknown) => (value === null || value === undefined ? 'NULL' : text(JSON.stringify(value)))
const number = (value: unknown) => (typeof value === 'number' || typeof value === 'bigint' ? String(value) : 'NULL')
const timestamp = (value: unknown) => (value instanceof Date ? `epoch_ms(${value.getTime()})` : 'NULL')

async function load(table: string, columns: string, rows: readonly Row[], values: (row: Row) => string[]): Promise<void> {
  await connection.run(`CREATE OR REPLACE TABLE ${table} (${columns})`)
  if (rows.length > 0) await connection.run(`INSERT INTO ${table} VALUES ${rows.map((row) => `(${values(row).join(', ')})`).join(', ')}`)
}

async function loadSources(db: Database): Promise<void> {
  await load('tail', 'id VARCHAR, scriptName VARCHAR, outcome VARCHAR, ts TIMESTAMP, event JSON, logs JSON, exceptions JSON, wallTime INTEGER', await db.collection('TailEvents').find({}), (row) => [
    text(row.$id),
    text(row.scriptName),
    text(row.outcome),
    timestamp(row.eventTimestamp),
    json(row.event),
    json(row.logs ?? []),
    json(row.exceptions ?? []),
    number(row.wallTime),
  ])
  await load('ai', 'id VARCHAR, modelId VARCHAR, providerId VARCHAR, tokens INTEGER, latencyMs INTEGER, cached BOOLEAN, error JSON, ts TIMESTAMP', await db.collection('AIRequests').find({}), (row) => [
    text(row.$id),
    text(row.modelId),
    text(row.providerId),
    number(row.tokens),
    number(row.latencyMs),
    row.cached === true ? 'true' : 'false',
    json(row.error),
    timestamp(row.timestamp),
  ])
  await load('evals', 'id VARCHAR, suiteName VARCHAR, scorerName VARCHAR, score DECIMAL(5,4), runId INTEGER, ts TIMESTAMP', await db.collection('EvalScores').find({}), (row) => [
    text(row.$id),
    text(row.suiteName),
    text(row.scorerName),
    number(row.score),
    number(row.runId),
    timestamp(row.timestamp),
  ])
}

async function oracleRows(view: ViewName): Promise<Row[]> {
  const oracle = ORACLES[view]
  const rows = (await connection.runAndReadAll(oracle.sql)).getRowObjectsJS()
  return rows.map((row) => {
    const out: Row = { ...row }
    for (const name of oracle.json) if (typeof out[name] === 'string') out[name] = JSON.parse(out[name]) as unknown
    return out
  })
}

// ---------------------------------------------------------------------------------------------

const open = (storage: ReturnType<typeof memoryStorage>, wal: ReturnType<typeof memoryWal>) =>
  Database.open({ storage, wal, schema, flush: { maxRows: 50, maxAgeMs: 60_000, rowGroupSize: 20 } })

async function runWorkload(ops: readonly Op[]): Promise<void> {
  const storage = memoryStorage()
  const wal = memoryWal()
  let db = await open(storage, wal)
  const ids: Record<Source, string[]> = { TailEvents: [], AIRequests: [], EvalScores: [] }
  try {
    for (const op of ops) {
      if (op.kind === 'insert') {
        const created = await db.collection(op.source).bulkCreate(GENERATE[op.source](op.seed, op.size))
        ids[op.source].push(...created.map((row) => row.$id))
      } else if (op.kind === 'update' && ids[op.source].length > 0) {
        const list = ids[op.source]
        await db.collection(op.source).update(list[op.pick % list.length] as string, op.patch)
      } else if (op.kind === 'delete' && ids[op.source].length > 0) {
        const [id] = ids[op.source].splice(op.pick % ids[op.source].length, 1)
        await db.collection(op.source).delete(id as string)
      } else if (op.kind === 'flush') {
        await db.flush()
      } else if (op.kind === 'crash') {
        // Nothing closed: acknowledged writes survive in the WAL, views catch up from their lineage.
        await db.views.drain()
        for (const source of SOURCES) await db.collection(source).table.idle()
        db = await open(storage, wal)
      } else if (op.kind === 'refresh') {
        await db.refreshView(op.view, { full: op.full })
      }
    }

    await db.views.drain()
    await loadSources(db)
    // Everything as maintained, before any final refresh touches a cascade's upstream.
    const incremental = new Map<ViewName, Row[]>()
    for (const view of VIEWS) incremental.set(view, await db.views.find(view, {}))
    for (const view of VIEWS) {
      const rows = incremental.get(view) ?? []
      expectSameRows(rows, await oracleRows(view), ORACLES[view].keys, `${view}: incremental vs DuckDB`)
      await db.refreshView(view, { full: true })
      expectSameRows(await db.views.find(view, {}), rows, ORACLES[view].keys, `${view}: full refresh vs incremental`)
    }
    // After every upstream was replaced by its full refresh, the cascades must still agree.
    for (const view of VIEWS) expectSameRows(await db.views.find(view, {}), await oracleRows(view), ORACLES[view].keys, `${view}: after all refreshes vs DuckDB`)
  } finally {
    await db.close()
  }
}

describe('materialized views against DuckDB through the database', () => {
  it('a fixed workload touches every view (the generators and SQL are not vacuous)', async () => {
    const storage = memoryStorage()
    const db = await open(storage, memoryWal())
    await db.collection('TailEvents').bulkCreate(tailRows(1, 300))
    await db.collection('AIRequests').bulkCreate(aiRequestRows(2, 200))
    await db.collection('EvalScores').bulkCreate(evalScoreRows(3, 200))
    await loadSources(db)
    for (const view of VIEWS) {
      const rows = await db.views.find(view, {})
      // Three to four weeks of AI requests; everything else has many rows.
      expect(rows.length, view).toBeGreaterThan(view === 'WeeklyAIUsage' ? 2 : 3)
      expectSameRows(rows, await oracleRows(view), ORACLES[view].keys, view)
    }
    await db.close()
  }, 60_000)

  it('every view equals its full refresh and DuckDB after random writes, flushes, crashes and refreshes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: MAX_OPS, size: 'max' }), (ops) => runWorkload(ops)),
      // A hang fails the property (and shrinks) instead of timing the whole file out.
      { numRuns: RUNS, timeout: 15_000, ...(process.env.DIFF_SEED ? { seed: Number(process.env.DIFF_SEED) } : {}) },
    )
  }, 600_000)
})
