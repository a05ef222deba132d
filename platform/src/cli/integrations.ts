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
    nextSteps: `Next: send the Workers you want to observe to ParqueDB as a tail consumer.
In each producer Worker's wrangler.jsonc:

  "tail_consumers": [{ "service": "parquedb" }]

or in wrangler.toml:

  tail_consumers = [{ service = "parquedb" }]
`,
  },
  {
    name: 'ai-sdk',
    specifier: 'parquedb/ai-sdk',
    factory: 'aiSdk',
    nextSteps: `Next: wrap the models your app calls, so every call is recorded:

  import { wrapLanguageModel } from 'ai'
  import { parquedbMiddleware } from 'parquedb/ai-sdk'

  const model = wrapLanguageModel({ model, middleware: parquedbMiddleware({ url: process.env.PARQUEDB_URL, token: process.env.PARQUEDB_TOKEN }) })
`,
  },
  {
    name: 'evalite',
    specifier: 'parquedb/evalite',
    factory: 'evalite',
    nextSteps: `Next: store evalite's results in ParqueDB. In evalite.config.ts:

  import { defineConfig } from 'evalite/config'
  import { createEvaliteAdapter } from 'parquedb/evalite'

  export default defineConfig({
    storage: () => createEvaliteAdapter({ url: process.env.PARQUEDB_URL, token: process.env.PARQUEDB_TOKEN }),
  })
`,
  },
  {
    name: 'otel',
    specifier: 'parquedb/otel',
    factory: 'otel',
    nextSteps: `Next: point OpenTelemetry's OTLP/HTTP exporter at the server (it accepts traces at /v1/traces):

  OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:8787/plugins/otel
  OTEL_EXPORTER_OTLP_HEADERS="Authorization=Bearer $PARQUEDB_TOKEN"

or in code:

  import { NodeSDK } from '@opentelemetry/sdk-node'
  import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'

  new NodeSDK({ traceExporter: new OTLPTraceExporter({ url: 'http://localhost:8787/plugins/otel/v1/traces', headers: { Authorization: \`Bearer \${process.env.PARQUEDB_TOKEN}\` } }) }).start()
`,
  },
])

/** The integration of that name, if there is one. */
export function findIntegration(name: string): Integration | undefined {
  return INTEGRATIONS.find((integration) => integration.name === name)
}
