/**
 * OpenTelemetry into ParqueDB: `import { otel, ParqueDBSpanExporter } from '@parquedb/otel'`.
 * - `otel()`: the plugin (Spans, OtelLogs, the span views, the OTLP/HTTP JSON receiver);
 * - `ParqueDBSpanExporter`: a SpanExporter for the NodeSDK writing into a `DB()` in-process.
 *
 * @example
 * const db = DB({}, { storage: { type: 'fs', path: './data' }, plugins: [otel(), aiSdk()] })
 * new NodeSDK({ spanProcessors: [new BatchSpanProcessor(new ParqueDBSpanExporter(db))] }).start()
 */
export { otel, OTEL_PLUGIN_NAME, type OtelOptions } from './otel-plugin.ts'
export { ParqueDBSpanExporter, EXPORT_FAILED, EXPORT_SUCCESS, type ExportResultLike } from './parquedb-span-exporter.ts'
export type { ReadableSpanLike } from './readable-span-record.ts'
export { otlpReceiver, type OtlpReceiverOptions } from './otlp-receiver.ts'
export { decodeOtlpTraces } from './decode-otlp-traces.ts'
export { decodeOtlpLogs } from './decode-otlp-logs.ts'
export { aiRequestOf, genAIConventionOf, type GenAIConvention } from './gen-ai-request.ts'
export type { AttributeMap, DecodedBatch, JsonValue, LogRecord, SpanKindName, SpanRecord, SpanStatusName } from './types.ts'
export { ErrorSpans, OtelLogs, otelCollections, otelViews, SpanErrorRate, SpanLatency, Spans } from '@parquedb/views-catalog/otel'
