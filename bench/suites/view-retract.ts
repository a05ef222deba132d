import { createRandom, type Random } from '@parquedb/mv-core/testing'
import { isUnavailable, scaled, type BenchmarkDefinition, type Contest, type Trial } from '../harness.ts'
import { buildViewDataset, compareGroups, loadViewEngine, readViewGroups, VIEW_NAME, type ViewDataset } from './view-common.ts'

/** Not 1M: there, the warm-up round had not finished 3 minutes after the dataset was built. */
const ROWS = 200_000
const SHARE = 0.01
const DELETE_BATCH = 1_000
const SEED = 777

/**
 * Retraction against recomputation, on one database holding 200k flushed tail events with the
 * streaming `ScriptStats` view (grouped by scriptName + hour: count, avg, max wallTime).
 *
 * Ours: delete 1% of the rows (ids drawn at random among the live rows) in acknowledged batches of
 * 1,000 (`applyBatch({ deleteIds })` on the collection's table), then `db.views.drain()`: the clock
 * covers the source deletes themselves and the view's maintenance, including groups whose max left
 * and are recomputed from the source. The peer ("parquedb-full") is our own full refresh of the
 * same view over the same data, timed right after: `ratio` = full refresh / retraction, so
 * > 1 means retracting is cheaper, and the retraction costs 100 / ratio % of a full refresh (the
 * issue's goal: at most 10%, a ratio of at least 10). Each repetition deletes another 1% (the data
 * shrinks by 1% per repetition, both sides alike), flushed untimed afterwards. Before each full
 * refresh the incrementally maintained view is read, and it must equal the refreshed one.
 */
export const viewRetractBenchmark: BenchmarkDefinition = {
  id: 'view.retract.1pct',
  metric: 'ms',
  unit: 'ms',
  better: 'lower',
  peer: 'parquedb-full',
  target: null,
  description: `delete ${SHARE * 100}% of 200k rows (random ids, batches of ${DELETE_BATCH}) with the grouped view maintained (peer: our full refresh of the view over the same data)`,
  prepare: async (scale) => {
    const engine = await loadViewEngine()
    if (isUnavailable(engine)) return { ours: engine, peer: engine, dispose: async () => undefined }
    const rows = scaled(ROWS, scale)
    const dataset = await buildViewDataset(engine, rows)
    try {
      return await contest(dataset, rows)
    } catch (error) {
      await dataset.close()
      throw error
    }
  },
}

async function contest(dataset: ViewDataset, rows: number): Promise<Contest> {
  const live: string[] = []
  for await (const batch of dataset.tail.scan({ columns: ['$id'] })) {
    const ids = batch.columns.$id
    if (ids === undefined) throw new Error('scan batch lacks $id')
    for (let index = 0; index < ids.length; index++) live.push(String(ids[index]))
  }
  if (live.length !== rows) throw new Error(`the dataset holds ${live.length} rows, expected ${rows}`)
  const random = createRandom(SEED)
  const perRepetition = Math.max(1, Math.round(rows * SHARE))

  const ours: Trial = async () => {
    const doomed = draw(random, live, perRepetition)
    const started = performance.now()
    for (let from = 0; from < doomed.length; from += DELETE_BATCH) {
      await dataset.tail.table.applyBatch({ deleteIds: doomed.slice(from, from + DELETE_BATCH) })
    }
    await dataset.db.views.drain()
    const elapsed = performance.now() - started
    const state = dataset.db.getViewState(VIEW_NAME)
    if (state.state !== 'fresh') throw new Error(`the view is ${state.state} after the deletes${state.error ? `: ${state.error}` : ''}`)
    const groups = await readViewGroups(dataset.db)
    const counted = [...groups.values()].reduce((sum, group) => sum + group.requests, 0)
    if (counted !== live.length) throw new Error(`the view counts ${counted} rows, the source holds ${live.length}`)
    await dataset.db.flush()
    return elapsed
  }

  const peer: Trial = async () => {
    const incremental = await readViewGroups(dataset.db)
    const started = performance.now()
    await dataset.db.refreshView(VIEW_NAME, { full: true })
    const elapsed = performance.now() - started
    compareGroups('retracted view', incremental, 'full refresh', await readViewGroups(dataset.db))
    return elapsed
  }

  return { ours, peer, dispose: () => dataset.close() }
}

/** Removes `count` ids drawn uniformly at random from `live` and returns them. */
function draw(random: Random, live: string[], count: number): string[] {
  const drawn: string[] = []
  for (let taken = 0; taken < count && live.length > 0; taken++) {
    const index = random.int(0, live.length - 1)
    drawn.push(live[index] as string)
    live[index] = live[live.length - 1] as string
    live.pop()
  }
  return drawn
}
