import { defineView } from '@parquedb/mv-core'

/**
 * The evalite pack: what evalite's runs produce (runs, evals, results, scores, traces), stored by
 * the `parquedb/evalite` storage adapter, and the views over it. The seeds' fields keep their
 * names and meaning (EvalRuns: runId, runType, timestamp; EvalScores: runId, suiteName,
 * scorerName, score, timestamp); the ones the adapter needs to answer evalite sit beside them.
 *
 * Ids are evalite's numeric ids. Run ids are 'int' as in the seeds (the adapter keeps them
 * within 32 bits); the other ids use up to 53 bits, so they are 'double' columns, which hold
 * every integer up to Number.MAX_SAFE_INTEGER exactly. Inputs, outputs and metadata are the
 * JSON text evalite's own sqlite storage keeps, so they read back exactly as evalite expects
 * (a Date becomes its ISO string, an undefined property disappears).
 */

/** One `evalite` run: 'full' (every eval file) or 'partial' (the files watch mode re-ran). */
export const EvalRuns = {
  $type: 'EvalRun',
  runId: 'int!',
  /** 'full' | 'partial' */
  runType: 'string!',
  timestamp: 'timestamp!',
  $ingest: 'evalite',
} as const

/** One `evalite('name', ...)` suite within a run (evalite calls it an eval). */
export const EvalSuites = {
  $type: 'EvalSuite',
  evalId: 'double!',
  runId: 'int!',
  name: 'string!',
  filepath: 'string!',
  /** 'running' | 'success' | 'fail' */
  status: 'string!',
  duration: 'double!',
  variantName: 'string?',
  variantGroup: 'string?',
  timestamp: 'timestamp!',
  $ingest: 'evalite',
} as const

/** One data point of a suite: its input, output and expected value, as JSON text. */
export const EvalResults = {
  $type: 'EvalResult',
  resultId: 'double!',
  evalId: 'double!',
  /** The data point's position in the suite (evalite's col_order). */
  order: 'int!',
  /** 'running' | 'success' | 'fail' */
  status: 'string!',
  duration: 'double!',
  /** Never null, as in evalite's sqlite storage: an undefined input or output is rejected. */
  inputJson: 'string!',
  outputJson: 'string!',
  expectedJson: 'string?',
  renderedColumnsJson: 'string?',
  trialIndex: 'int?',
  timestamp: 'timestamp!',
  $ingest: 'evalite',
} as const

/**
 * One scorer's score of one result. `score` is the seeds' decimal(5,4), rounded to 4 places;
 * `exactScore` is the scorer's value as given, which the adapter hands back to evalite.
 */
export const EvalScores = {
  $type: 'EvalScore',
  runId: 'int!',
  /** The suite (evalite's eval) name. */
  suiteName: 'string!',
  scorerName: 'string!',
  score: 'decimal(5,4)!',
  timestamp: 'timestamp!',
  scoreId: 'double?',
  resultId: 'double?',
  evalId: 'double?',
  variantName: 'string?',
  exactScore: 'double?',
  description: 'string?',
  metadataJson: 'string?',
  $ingest: 'evalite',
} as const

/** One traced model call inside a result (`reportTrace`, or the AI SDK wrapper). */
export const EvalTraces = {
  $type: 'EvalTrace',
  traceId: 'double!',
  resultId: 'double!',
  inputJson: 'string!',
  outputJson: 'string!',
  /** Epoch milliseconds, rounded as evalite's sqlite storage rounds them. */
  startTime: 'double!',
  endTime: 'double!',
  inputTokens: 'double?',
  outputTokens: 'double?',
  totalTokens: 'double?',
  order: 'int!',
  timestamp: 'timestamp!',
  $ingest: 'evalite',
} as const

/** Average, lowest and highest score and the number of scores per suite, scorer and week. */
export const EvalTrends = defineView({
  $from: 'EvalScores',
  $groupBy: ['suiteName', 'scorerName', { week: '$timestamp' }],
  $compute: {
    avgScore: { $avg: 'score' },
    minScore: { $min: 'score' },
    maxScore: { $max: 'score' },
    runCount: { $count: '*' },
  },
})

export const evaliteCollections = { EvalRuns, EvalSuites, EvalResults, EvalScores, EvalTraces } as const
export const evaliteViews = { EvalTrends } as const
