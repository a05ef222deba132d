import { parseSchema } from '../../schema/parse-schema.ts'
import type { CollectionSchema } from '../../schema/types.ts'
import type { ViewCatalog } from './types.ts'

/**
 * The collections and views of the materialized-view API documents, as written there, for the
 * tests of this folder. The stream collections (TailEvents, AIRequests, Generations, EvalRuns,
 * EvalScores) are what the ai-sdk, tail and evalite integrations export; TailEvents is the
 * version with `eventTimestamp`, the one the tail-worker example's views read.
 */

export const collectionDefinitions: Readonly<Record<string, Record<string, string>>> = {
  Customer: { name: 'string!', email: 'string!', tier: 'string?' },
  Order: { total: 'decimal(10,2)!', status: 'string!', customer: '-> Customer', items: '<- OrderItem[]' },
  OrderItem: { quantity: 'int!', price: 'decimal(10,2)!', product: '-> Product' },
  Product: { name: 'string!', sku: 'string!', price: 'decimal(10,2)!' },
  TailEvents: {
    $type: 'TailEvent',
    scriptName: 'string!',
    outcome: 'string!',
    eventTimestamp: 'timestamp!',
    event: 'variant?',
    logs: 'variant[]',
    exceptions: 'variant[]',
    $ingest: 'tail',
  },
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
    $ingest: 'ai-sdk',
  },
  Generations: {
    $type: 'Generation',
    modelId: 'string!',
    contentType: 'string!',
    content: 'variant!',
    prompt: 'string?',
    tokens: 'int?',
    timestamp: 'timestamp!',
    $ingest: 'ai-sdk',
  },
  EvalRuns: { $type: 'EvalRun', runId: 'int!', runType: 'string!', timestamp: 'timestamp!', $ingest: 'evalite' },
  EvalScores: {
    $type: 'EvalScore',
    runId: 'int!',
    suiteName: 'string!',
    scorerName: 'string!',
    score: 'decimal(5,4)!',
    timestamp: 'timestamp!',
    $ingest: 'evalite',
  },
  MyCollection: { status: 'string?' },
}

/** Parsed collections by name, optionally with extra or replaced definitions. */
export function collections(extra: Readonly<Record<string, Record<string, string>>> = {}): Map<string, CollectionSchema> {
  const all = { ...collectionDefinitions, ...extra }
  return new Map(Object.entries(all).map(([name, definition]) => [name, parseSchema(name, definition)]))
}

/** The views of the documents that share one database (the tail-worker example's variants). */
export const seedViews: Readonly<Record<string, Record<string, unknown>>> = {
  OrderAnalytics: {
    $from: 'Order',
    $expand: ['customer', 'items.product'],
    $flatten: { customer: 'buyer' },
  },
  DailySales: {
    $from: 'Order',
    $groupBy: [{ date: '$createdAt' }, 'status'],
    $compute: {
      orderCount: { $count: '*' },
      revenue: { $sum: 'total' },
      avgOrder: { $avg: 'total' },
    },
    $refresh: { mode: 'scheduled', schedule: '0 * * * *' },
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
    },
  },
  WeeklyAIUsage: {
    $from: 'DailyAIUsage',
    $groupBy: [{ week: '$date' }],
    $compute: { totalRequests: { $sum: 'requestCount' } },
  },
  WorkerLogs: {
    $from: 'TailEvents',
    $unnest: 'logs',
    $select: {
      scriptName: '$scriptName',
      level: '$logs.level',
      message: '$logs.message',
      timestamp: '$logs.timestamp',
      colo: '$event.request.cf.colo',
    },
  },
  WorkerErrors: {
    $from: 'TailEvents',
    $filter: {
      $or: [{ outcome: { $ne: 'ok' } }, { 'exceptions.0': { $exists: true } }],
    },
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
      timestamp: '$eventTimestamp',
    },
  },
  EndpointMetrics: {
    $from: 'WorkerRequests',
    $groupBy: ['scriptName', 'method', { hour: '$timestamp' }],
    $compute: {
      requestCount: { $count: '*' },
      avgLatency: { $avg: 'latency' },
      errorRate: { $avg: { $cond: [{ $ne: ['$outcome', 'ok'] }, 1, 0] } },
    },
    $refresh: { mode: 'scheduled', schedule: '0 * * * *' },
  },
  AIErrors: {
    $from: 'AIRequests',
    $filter: { error: { $exists: true } },
  },
  GeneratedObjects: {
    $from: 'Generations',
    $filter: { contentType: 'object' },
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
  AdHocReport: {
    $from: 'Order',
    $refresh: { mode: 'manual' },
  },
}

/** A catalog of the seed collections and views. */
export function seedCatalog(views: Readonly<Record<string, unknown>> = seedViews): ViewCatalog {
  return { collections: collections(), views: new Map(Object.entries(views)) }
}
