/**
 * parquedb/evalite: evalite's results in ParqueDB. `createEvaliteAdapter` is the storage to give
 * evalite; `evalite()` is the plugin with the collections and views to read them with.
 *
 * @example
 * import { DB } from 'parquedb'
 * import { evalite } from 'parquedb/evalite'
 *
 * const db = DB({}, { storage: { type: 'fs', path: './data' }, plugins: [evalite()] })
 * const trends = await db.EvalTrends.find({ suiteName: 'my-eval' })
 */
export { createEvaliteAdapter, type EvaliteAdapterOptions, type EvaliteDatabase } from './create-evalite-adapter.ts'
export { evalite, EVALITE_PLUGIN_NAME } from './evalite-plugin.ts'
export { runIdSequence, wideIdSequence, type IdSequence, type IdSequenceOptions } from './id-sequence.ts'
export { EvalResults, EvalRuns, EvalScores, EvalSuites, EvalTraces, EvalTrends, evaliteCollections, evaliteViews } from '@parquedb/views-catalog/evalite'
