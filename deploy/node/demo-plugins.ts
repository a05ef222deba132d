import { definePlugin, defineView } from 'parquedb'
import { tailEventsDefinition } from '@parquedb/mv-core/testing'

/**
 * The demo's stand-ins for the built-in integrations, declared through the public plugin API
 * exactly as `parquedb/tail`, `parquedb/ai-sdk` and `parquedb/evalite` will declare theirs:
 * each a stream collection and a pack of views over it.
 */

export const tailDemo = definePlugin({
  name: 'tail',
  collections: { TailEvents: tailEventsDefinition },
  views: {
    WorkerErrors: defineView({
      $from: 'TailEvents',
      $filter: { outcome: { $ne: 'ok' } },
      $select: { scriptName: '$scriptName', outcome: '$outcome', exceptionName: '$exceptions.0.name', url: '$event.request.url', timestamp: '$eventTimestamp' },
    }),
    ScriptMinutes: defineView({
      $from: 'TailEvents',
      $groupBy: ['scriptName', { minute: '$eventTimestamp' }],
      $compute: {
        requests: { $count: '*' },
        errors: { $sum: { $cond: [{ $ne: ['$outcome', 'ok'] }, 1, 0] } },
        avgWall: { $avg: 'wallTime' },
        p95Wall: { $percentile: ['wallTime', 0.95] },
      },
    }),
  },
})

export const aiSdkDemo = definePlugin({
  name: 'ai-sdk',
  collections: {
    AIRequests: { $type: 'AIRequest', modelId: 'string!', providerId: 'string!', requestType: 'string!', tokens: 'int?', latencyMs: 'int!', cached: 'boolean!', error: 'variant?', timestamp: 'timestamp!', $ingest: 'ai-sdk' },
  },
  views: {
    DailyAIUsage: defineView({
      $from: 'AIRequests',
      $groupBy: ['modelId', 'providerId', { date: '$timestamp' }],
      $compute: {
        requestCount: { $count: '*' },
        totalTokens: { $sum: 'tokens' },
        avgLatency: { $avg: 'latencyMs' },
        p95Latency: { $percentile: ['latencyMs', 0.95] },
        cacheHitRate: { $avg: { $cond: ['$cached', 1, 0] } },
        errorCount: { $sum: { $cond: [{ $exists: '$error' }, 1, 0] } },
      },
    }),
  },
})

export const evaliteDemo = definePlugin({
  name: 'evalite',
  collections: {
    EvalScores: { $type: 'EvalScore', runId: 'int!', suiteName: 'string!', scorerName: 'string!', score: 'decimal(5,4)!', timestamp: 'timestamp!', $ingest: 'evalite' },
  },
  views: {
    EvalTrends: defineView({
      $from: 'EvalScores',
      $groupBy: ['suiteName', 'scorerName', { week: '$timestamp' }],
      $compute: { avgScore: { $avg: 'score' }, minScore: { $min: 'score' }, maxScore: { $max: 'score' }, runCount: { $count: '*' } },
    }),
  },
})

export const demoPlugins = [tailDemo, aiSdkDemo, evaliteDemo] as const
