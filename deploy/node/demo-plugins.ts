import { aiSdk } from 'parquedb/ai-sdk'
import { evalite } from 'parquedb/evalite'
import { otel } from 'parquedb/otel'
import { tail } from 'parquedb/tail'

/** The built-in integrations the Node server runs with: each a plugin with its view pack. */
export const demoPlugins = [tail(), aiSdk(), evalite(), otel()] as const
