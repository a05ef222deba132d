/**
 * ParqueDB: `import { DB, defineView, definePlugin, defineConfig } from 'parquedb'`.
 *
 * @example
 * const db = DB({ Order: { total: 'decimal(10,2)!' }, BigOrders: defineView({ $from: 'Order', $filter: { total: { $gte: 100 } } }) }, { storage: { type: 'fs', path: './data' } })
 */
export { DB, DatabaseFacade, type CollectionAccess, type DBOptions, type ParqueDB, type StreamProcessorAccess, type ViewAccess } from './db.ts'
export { definePlugin, type Plugin, type PluginContext } from './plugin.ts'
export { defineConfig, SCOPES, type AuthToken, type ParqueDBConfig, type Scope } from './config.ts'
export type { DashboardPanel, DashboardSpec } from './dashboard-spec.ts'
export { createHttpApp, type HttpAppOptions } from './http/create-http-app.ts'
export { composeSchema } from './compose-schema.ts'
export { INGEST, ingestOf, withIngest, type IngestTransform } from './with-ingest.ts'
export { resolveStorage, type StorageConfig } from './storage-config.ts'
export type { EntityOf, FieldValue, InputOf, ScalarValue } from './schema-types.ts'
export { createStreamAdapter, defineView, ParqueDBError, type AnswerMeta, type Filter, type FindOptions, type ViewDefinition, type ViewState } from '@parquedb/mv-core'
