/** An integration `parquedb add` knows: its package entry, plugin factory, and what to do next. */
export interface Integration {
  readonly name: string
  /** The module the plugin factory is imported from. */
  readonly specifier: string
  /** The plugin factory's name, called with no arguments in the config. */
  readonly factory: string
  /** What to do after the plugin is in the config, printed by `parquedb add`. */
  readonly nextSteps: string
}

export const INTEGRATIONS: readonly Integration[] = Object.freeze([
  {
    name: 'tail',
    specifier: 'parquedb/tail',
    factory: 'tail',
    nextSteps: `Next: send your Workers' tail events here. Deploy a small tail Worker that forwards them
to this server (TraceItems are mapped into TailEvents on the way in):

  // tail-forwarder/src/index.ts
  export default {
    async tail(events, env, ctx) {
      ctx.waitUntil(fetch(env.PARQUEDB_URL + '/collections/TailEvents', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer ' + env.PARQUEDB_TOKEN },
        body: JSON.stringify(events),
      }))
    },
  }

then, in each producer Worker's wrangler.toml:

  [[tail_consumers]]
  service = "tail-forwarder"

(A tail Worker can also write to R2 itself: export default { tail: createTailHandler(db) }.)
`,
  },
  {
    name: 'ai-sdk',
    specifier: 'parquedb/ai-sdk',
    factory: 'aiSdk',
    nextSteps: `Next: wrap the models your app calls, so every call is recorded (in the app's own data
directory: one process writes a directory at a time):

  import { wrapLanguageModel } from 'ai'
  import { DB } from 'parquedb'
  import { AIRequests, Generations, createParqueDBMiddleware } from 'parquedb/ai-sdk'

  const db = DB({ AIRequests, Generations }, { storage: { type: 'fs', path: './ai-data' } })
  const model = wrapLanguageModel({ model: yourModel, middleware: createParqueDBMiddleware({ db }) })
`,
  },
  {
    name: 'evalite',
    specifier: 'parquedb/evalite',
    factory: 'evalite',
    nextSteps: `Next: store evalite's runs in ParqueDB. In evalite.config.ts:

  import { defineConfig } from 'evalite/config'
  import { createEvaliteAdapter } from 'parquedb/evalite'

  export default defineConfig({
    storage: () => createEvaliteAdapter({ storage: { type: 'fs', path: './eval-data' } }),
  })
`,
  },
  {
    name: 'otel',
    specifier: 'parquedb/otel',
    factory: 'otel',
    nextSteps: `Next: point OpenTelemetry's OTLP/HTTP (JSON) exporter at the server; it accepts /v1/traces
and /v1/logs:

  OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:8787
  OTEL_EXPORTER_OTLP_PROTOCOL=http/json
  OTEL_EXPORTER_OTLP_HEADERS="Authorization=Bearer $PARQUEDB_TOKEN"

or, in the same process as the database:

  import { NodeSDK } from '@opentelemetry/sdk-node'
  import { ParqueDBSpanExporter } from 'parquedb/otel'

  new NodeSDK({ traceExporter: new ParqueDBSpanExporter(db) }).start()
`,
  },
])

/** The integration of that name, if there is one. */
export function findIntegration(name: string): Integration | undefined {
  return INTEGRATIONS.find((integration) => integration.name === name)
}
