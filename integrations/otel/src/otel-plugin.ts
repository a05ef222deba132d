import { AIRequests, DailyAIUsage } from '@parquedb/views-catalog/ai-sdk'
import { otelCollections, otelViews } from '@parquedb/views-catalog/otel'
import { definePlugin, ParqueDBError, type DatabaseFacade } from 'parquedb'
import { otlpReceiver } from './otlp-receiver.ts'

export interface OtelOptions {
  /** Largest OTLP request body accepted, in bytes, after decompression (default 16 MiB). */
  readonly maxBodyBytes?: number
}

/** The plugin's name: its routes live under `/plugins/otel`. */
export const OTEL_PLUGIN_NAME = 'otel'

/** An exporter's default batch (512 spans) with large attributes stays well under this. */
const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024

/**
 * The OpenTelemetry integration: the `Spans` and `OtelLogs` collections, the span views
 * (`SpanLatency`, `SpanErrorRate`, `ErrorSpans`), a dashboard, and the OTLP/HTTP JSON receiver
 * (`POST /v1/traces`, `POST /v1/logs`, at `/plugins/otel/...` and at the API's root, where
 * exporters post by default).
 *
 * GenAI spans (`gen_ai.*`, the AI SDK's `ai.*`, OpenInference `llm.*`) also become `AIRequests`
 * rows, counted in `DailyAIUsage`: the plugin brings both, the very definitions `aiSdk()` brings,
 * so the two load together.
 *
 * @example
 * const db = DB({}, { storage: { type: 'fs', path: './data' }, plugins: [otel(), aiSdk()] })
 * await serve(db, { port: 4318 }) // OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318
 * await db.SpanLatency.find({ serviceName: 'api' }, { sort: { hour: -1 }, limit: 24 })
 */
export function otel(options: OtelOptions = {}) {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
  if (!(Number.isInteger(maxBodyBytes) && maxBodyBytes > 0)) throw new ParqueDBError('SCHEMA', `otel: maxBodyBytes must be a positive integer, got ${String(maxBodyBytes)}`, { maxBodyBytes })
  let opened: DatabaseFacade | undefined
  return definePlugin({
    name: OTEL_PLUGIN_NAME,
    // GenAI spans land in AIRequests: the very definitions the ai-sdk plugin brings, so the two
    // load together, and either alone gives DailyAIUsage.
    collections: { ...otelCollections, AIRequests },
    views: { ...otelViews, DailyAIUsage },
    routes: otlpReceiver({ database: () => opened, maxBodyBytes }),
    dashboards: [
      {
        id: 'otel',
        title: 'OpenTelemetry',
        panels: [
          { title: 'p95 latency per span (ms)', from: 'SpanLatency', sort: { hour: 1 }, chart: 'line', fields: ['hour', 'p95DurationMs'] },
          { title: 'Error rate per span', from: 'SpanErrorRate', sort: { hour: 1 }, chart: 'line', fields: ['hour', 'errorRate'] },
          { title: 'Recent failed spans', from: 'ErrorSpans', sort: { startTime: -1 }, limit: 20, chart: 'table', fields: ['startTime', 'serviceName', 'name', 'statusMessage', 'traceId'] },
        ],
      },
    ],
    setup: ({ db }) => {
      opened = db as DatabaseFacade
    },
  })
}
