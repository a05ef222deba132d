import type { BenchmarkDefinition } from '../harness.ts'
import { findSelectiveBenchmark } from './find-selective.ts'
import { aiMiddlewareOverheadBenchmark } from './ai-middleware.ts'
import { freshnessBenchmark } from './freshness.ts'
import { ingestTailBenchmarks } from './ingest-tail.ts'
import { ingestTailPackBenchmark } from './ingest-tail-pack.ts'
import { rssIngestBenchmark } from './rss-ingest.ts'
import { scanTwoColumnsBenchmark } from './scan-2col.ts'
import { viewFullGroupByBenchmark } from './view-full-groupby.ts'
import { viewIncrementalGroupByBenchmark } from './view-incremental.ts'
import { viewQueryBenchmarks } from './view-query.ts'
import { viewRetractBenchmark } from './view-retract.ts'
import { viewVsRawBenchmark } from './view-vs-raw.ts'

/** Every benchmark, in the order the runner runs them. Add new suites here. */
export const benchmarks: readonly BenchmarkDefinition[] = [
  ...ingestTailBenchmarks,
  ingestTailPackBenchmark,
  findSelectiveBenchmark,
  scanTwoColumnsBenchmark,
  viewIncrementalGroupByBenchmark,
  viewFullGroupByBenchmark,
  viewRetractBenchmark,
  ...viewQueryBenchmarks,
  viewVsRawBenchmark,
  freshnessBenchmark,
  aiMiddlewareOverheadBenchmark,
  rssIngestBenchmark,
]
