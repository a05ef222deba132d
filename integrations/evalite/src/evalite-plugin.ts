import { evaliteCollections, evaliteViews } from '@parquedb/views-catalog/evalite'
import { definePlugin } from 'parquedb'

export const EVALITE_PLUGIN_NAME = 'evalite'

/**
 * The evalite integration as a plugin: its collections (EvalRuns, EvalSuites, EvalResults,
 * EvalScores, EvalTraces) and views (EvalTrends). Load it in the database that reads what the
 * `createEvaliteAdapter` storage writes.
 *
 * @example
 * const db = DB({}, { storage: { type: 'fs', path: './data' }, plugins: [evalite()] })
 * const trends = await db.EvalTrends.find({ suiteName: 'my-eval' })
 */
export function evalite() {
  return definePlugin({ name: EVALITE_PLUGIN_NAME, collections: evaliteCollections, views: evaliteViews })
}
