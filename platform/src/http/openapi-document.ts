/**
 * The OpenAPI 3.1 description of the HTTP API (`GET /openapi.json`), written as data beside the
 * routes; `create-http-app.test.ts` checks that it names every route the app has and no other.
 */

type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json }
type Scope = 'read' | 'ingest' | 'admin'

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const json = (schema: Json, description: string) => ({ description, content: { 'application/json': { schema } } })
const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((status) => [String(status), { $ref: `#/components/responses/${status}` }]))
const pathName = (what: string) => ({ name: 'name', in: 'path', required: true, description: `The ${what}'s name, as in the schema.`, schema: { type: 'string' } })

/** An operation with the scope it needs (also as `x-scope`) and the auth errors that come with one. */
function operation(scope: Scope | null, summary: string, fields: Readonly<Record<string, Json>>): Record<string, Json> {
  if (scope === null) return { summary, security: [], ...fields }
  const responses = { ...(fields.responses as Record<string, Json>), ...errors(401, 403) }
  return { summary, description: `Scope: ${scope}${scope === 'admin' ? '' : ' (or admin)'}.`, 'x-scope': scope, ...fields, responses }
}

const findParameters = (target: 'collection' | 'view'): Json[] => [
  { name: 'filter', in: 'query', description: 'A MongoDB-style filter as JSON: {"status":"paid","total":{"$gte":100}}.', schema: { type: 'string' } },
  { name: 'sort', in: 'query', description: 'JSON ({"createdAt":-1}) or fields, comma separated, "-" for descending: -createdAt,name.', schema: { type: 'string' } },
  { name: 'limit', in: 'query', description: 'Rows at most; without it 1000, and the answer adds limit and more.', schema: { type: 'integer', minimum: 0 } },
  { name: 'skip', in: 'query', schema: { type: 'integer', minimum: 0 } },
  { name: 'project', in: 'query', description: 'Fields to keep, comma separated, or JSON (["a","b"] or {"a":0}).', schema: { type: 'string' } },
  { name: 'asOf', in: 'query', description: 'Read as of a commit version (a number) or an instant (an ISO date).', schema: { type: 'string' } },
  ...(target === 'collection' ? [{ name: 'include', in: 'query', description: 'Relations to nest, comma separated: customer,lines.product.', schema: { type: 'string' } }] : []),
]

const rowsResponse = (meta: string, description: string) =>
  json({ type: 'object', required: ['rows', 'meta'], properties: { rows: { type: 'array', items: ref('Row') }, meta: ref(meta) } }, description)

const findBody = (target: 'collection' | 'view') => ({
  required: false,
  content: { 'application/json': { schema: target === 'collection' ? ref('CollectionQuery') : ref('ViewQuery') } },
})

/** An OTLP/HTTP JSON endpoint, served by the otel plugin (the same routes as /plugins/otel/v1/...). */
const otlpOperation = (signal: 'traces' | 'logs', rejected: string) =>
  operation('ingest', `OTLP/HTTP JSON ${signal} (the otel plugin's receiver)`, {
    description: `Scope: ingest (or admin). An OTLP ExportTrace/LogsServiceRequest as JSON (ids as hex or base64, times as nanosecond strings or numbers; gzip accepted), what OTLP exporters post to by default. Served by the otel plugin; 404 when it is not loaded.`,
    requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', description: signal === 'traces' ? '{ resourceSpans: [{ resource, scopeSpans: [{ scope, spans }] }] }' : '{ resourceLogs: [{ resource, scopeLogs: [{ scope, logRecords }] }] }' } } } },
    responses: {
      '200': json({ type: 'object', properties: { partialSuccess: { type: 'object', properties: { [rejected]: { type: 'integer' }, errorMessage: { type: 'string' } } } } }, 'Stored: {} when every record was, else partialSuccess with the count rejected and why'),
      '415': errorResponse('Not JSON (OTLP protobuf), or an unsupported Content-Encoding'),
      '503': errorResponse('The database is not open'),
      ...errors(400, 404, 413),
    },
  })

const schemas: Record<string, Json> = {
  Error: {
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message', 'details'],
        properties: {
          code: { type: 'string', description: 'VALIDATION, BAD_FILTER, BAD_SQL, SCHEMA (400); UNAUTHORIZED (401); FORBIDDEN (403); NOT_FOUND, UNKNOWN_COLLECTION (404); METHOD_NOT_ALLOWED (405); CONFLICT (409); PAYLOAD_TOO_LARGE (413); CLOSED (503); others 500.' },
          message: { type: 'string' },
          details: { type: 'object', description: 'What the error is about; a VALIDATION error names the row (0-based index in the batch) and field path: { row, field, expected, got, errors }.' },
        },
      },
    },
  },
  Row: { type: 'object', description: 'An entity: $id, createdAt, updatedAt and its fields. Dates are ISO strings, bigints decimal strings.', additionalProperties: true },
  ViewQuery: {
    type: 'object',
    additionalProperties: false,
    properties: {
      filter: { type: 'object' },
      sort: { type: 'object', additionalProperties: { enum: [1, -1] } },
      limit: { type: 'integer', minimum: 0 },
      skip: { type: 'integer', minimum: 0 },
      project: { oneOf: [{ type: 'array', items: { type: 'string' } }, { type: 'object', additionalProperties: { enum: [0, 1] } }] },
      asOf: { oneOf: [{ type: 'integer', minimum: 0, description: 'a commit version' }, { type: 'string', format: 'date-time' }] },
    },
  },
  CollectionQuery: {
    allOf: [ref('ViewQuery')],
    properties: { include: { type: 'array', items: { type: 'string' }, description: 'Relation paths to nest: ["customer", "lines.product"].' } },
  },
  QueryRoute: {
    type: 'object',
    description: 'How a collection query was answered: from a covering view or the source, and why.',
    required: ['collection', 'servedFrom', 'reason', 'candidates'],
    properties: {
      collection: { type: 'string' },
      servedFrom: { enum: ['view', 'source'] },
      view: { type: 'string' },
      reason: { type: 'string' },
      candidates: { type: 'array', items: { type: 'object', properties: { view: { type: 'string' }, used: { type: 'boolean' }, reason: { type: 'string' } } } },
    },
  },
  AnswerMeta: {
    type: 'object',
    description: "A view answer's freshness.",
    required: ['servedFrom', 'asOf', 'lagVersions', 'lagMs', 'stale'],
    properties: {
      servedFrom: { enum: ['view', 'source'] },
      view: { type: 'string' },
      asOf: { type: 'object', additionalProperties: { type: 'integer' }, description: 'The source versions the rows reflect.' },
      lagVersions: { type: 'integer' },
      lagMs: { type: 'number' },
      stale: { type: 'boolean' },
    },
  },
  ViewState: {
    type: 'object',
    required: ['name', 'state', 'mode', 'lag'],
    properties: {
      name: { type: 'string' },
      state: { enum: ['fresh', 'stale', 'invalid'] },
      mode: { type: 'string' },
      lastRefresh: { type: ['string', 'null'], format: 'date-time' },
      staleSince: { type: ['string', 'null'], format: 'date-time' },
      sourceVersions: { type: 'object', additionalProperties: { type: 'integer' } },
      lag: { type: 'integer', description: 'Source writes received but not yet applied.' },
      lineage: { type: 'object' },
      maintenance: { type: 'object' },
      schedule: { type: 'object' },
      lastRefreshRecord: { oneOf: [ref('RefreshRecord'), { type: 'null' }] },
      error: { type: 'string' },
    },
  },
  RefreshRecord: {
    type: 'object',
    properties: {
      view: { type: 'string' },
      trigger: { type: 'string' },
      mode: { type: 'string' },
      kind: { type: 'string' },
      reason: { type: 'string' },
      rowsIn: { type: ['integer', 'null'] },
      rowsOut: { type: ['integer', 'null'] },
      startedAt: { type: 'string', format: 'date-time' },
      durationMs: { type: 'number' },
      error: { type: ['string', 'null'] },
    },
  },
  DashboardSpec: {
    type: 'object',
    required: ['plugin', 'id', 'title', 'panels'],
    properties: { plugin: { type: 'string' }, id: { type: 'string' }, title: { type: 'string' }, panels: { type: 'array', items: { type: 'object' } } },
  },
}

const errorResponse = (description: string) => json(ref('Error'), description)

const document = {
  openapi: '3.1.0',
  info: {
    title: 'ParqueDB',
    version: '0.1.0',
    description:
      'Collections and materialized views over Parquet. Bodies are JSON: Dates are ISO strings, bigints decimal strings (send bigints as strings too). ' +
      'Without configured tokens every route is open (the Node server then listens on loopback only).',
  },
  security: [{ bearer: [] }],
  paths: {
    '/health': { get: operation(null, 'Liveness, and whether the database opened', { responses: { '200': json({ type: 'object', properties: { ok: { const: true }, database: { const: 'open' } } }, 'The database is open'), '503': json({ type: 'object', properties: { ok: { const: false }, database: { const: 'unavailable' }, code: { type: 'string' } } }, 'The database did not open, or is closed') } }) },
    '/openapi.json': { get: operation(null, 'This document', { responses: { '200': json({ type: 'object' }, 'The OpenAPI document') } }) },
    '/dashboards': { get: operation('read', "The plugins' dashboard specs", { responses: { '200': json({ type: 'object', properties: { dashboards: { type: 'array', items: ref('DashboardSpec') } } }, 'Dashboards, each with the plugin that ships it') } }) },
    '/collections/{name}': {
      parameters: [pathName('collection')],
      get: operation('read', 'Query a collection', { parameters: findParameters('collection'), responses: { '200': rowsResponse('QueryRoute', 'Rows, and how they were served'), ...errors(400, 404) } }),
      post: operation('ingest', 'Insert rows', {
        description: 'Scope: ingest (or admin). A JSON array of rows, one JSON row, or NDJSON (content-type application/x-ndjson, one row per line). The batch is atomic: one bad row rejects it, the error naming the row index and field path.',
        requestBody: {
          required: true,
          content: {
            'application/json': { schema: { oneOf: [{ type: 'array', items: ref('Row') }, ref('Row')] } },
            'application/x-ndjson': { schema: { type: 'string', description: 'One JSON row per line.' } },
          },
        },
        responses: { '201': json({ type: 'object', required: ['inserted', 'ids'], properties: { inserted: { type: 'integer' }, ids: { type: 'array', items: { type: 'string' } } } }, 'Inserted; ids in the order of the rows'), ...errors(400, 404, 405, 413) },
      }),
    },
    '/collections/{name}/query': {
      parameters: [pathName('collection')],
      post: operation('read', 'Query a collection with the query as a JSON body', { requestBody: findBody('collection'), responses: { '200': rowsResponse('QueryRoute', 'Rows, and how they were served'), ...errors(400, 404, 413) } }),
    },
    '/views': { get: operation('read', 'List the views with their state and lag', { responses: { '200': json({ type: 'object', properties: { views: { type: 'array', items: ref('ViewState') } } }, 'Every view') } }) },
    '/views/{name}': {
      parameters: [pathName('view')],
      get: operation('read', 'Query a view', { parameters: findParameters('view'), responses: { '200': rowsResponse('AnswerMeta', 'Rows, and how fresh they are'), ...errors(400, 404) } }),
      delete: operation('admin', 'Drop a view and its data', { responses: { '200': json({ type: 'object', properties: { dropped: { type: 'string' } } }, 'Dropped'), ...errors(404) } }),
    },
    '/views/{name}/query': {
      parameters: [pathName('view')],
      post: operation('read', 'Query a view with the query as a JSON body', { requestBody: findBody('view'), responses: { '200': rowsResponse('AnswerMeta', 'Rows, and how fresh they are'), ...errors(400, 404, 413) } }),
    },
    '/views/{name}/state': {
      parameters: [pathName('view')],
      get: operation('read', "A view's state, lineage and upkeep counters", { responses: { '200': json(ref('ViewState'), 'The state'), ...errors(404) } }),
    },
    '/views/{name}/history': {
      parameters: [pathName('view')],
      get: operation('read', "A view's refreshes, newest first (rows of RefreshHistory)", {
        parameters: [{ name: 'limit', in: 'query', schema: { type: 'integer', minimum: 0, default: 50 } }],
        responses: { '200': json({ type: 'object', properties: { rows: { type: 'array', items: ref('RefreshRecord') } } }, 'Refresh records'), ...errors(400, 404) },
      }),
    },
    '/views/{name}/refresh': {
      parameters: [pathName('view')],
      post: operation('admin', 'Bring a view up to date now', {
        parameters: [{ name: 'full', in: 'query', description: 'true: recompute the view from its source.', schema: { type: 'boolean', default: false } }],
        responses: { '200': json({ type: 'object', properties: { refreshed: { type: 'string' }, full: { type: 'boolean' }, state: ref('ViewState') } }, 'Refreshed'), ...errors(400, 404) },
      }),
    },
    '/sql': {
      post: operation('read', 'Run one SELECT over a collection or view', {
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { type: 'object', required: ['query'], additionalProperties: false, properties: { query: { type: 'string', examples: ['SELECT status, COUNT(*) AS n FROM "Order" WHERE total > $1 GROUP BY status'] }, params: { type: 'array', description: 'Values bound to $1, $2, ...' } } } } },
        },
        responses: { '200': rowsResponse('AnswerMeta', 'Rows, and how fresh they are'), ...errors(400, 404, 413) },
      }),
    },
    '/v1/traces': { post: otlpOperation('traces', 'rejectedSpans') },
    '/v1/logs': { post: otlpOperation('logs', 'rejectedLogRecords') },
    '/plugins/{plugin}/{path}': {
      parameters: [
        { name: 'plugin', in: 'path', required: true, schema: { type: 'string' } },
        { name: 'path', in: 'path', required: true, description: 'Any path below the plugin prefix (it may span segments).', schema: { type: 'string' } },
      ],
      description: "Each plugin's own routes. Scope: read for GET and HEAD, ingest for other methods (admin covers both).",
      get: operation('read', "A plugin's route", { responses: { default: { description: "The plugin's answer" } } }),
      post: operation('ingest', "A plugin's route", { responses: { default: { description: "The plugin's answer" } } }),
    },
  },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <token>; tokens carry the scopes read, ingest, admin.' } },
    schemas,
    responses: {
      '400': errorResponse('The body, filter, options or SQL is malformed, or rows do not match the schema (details name the row and field)'),
      '401': { ...errorResponse('No bearer token, or an unknown one'), headers: { 'WWW-Authenticate': { schema: { type: 'string' } } } },
      '403': errorResponse('The token lacks the scope this route needs'),
      '404': errorResponse('No such collection or view'),
      '405': errorResponse('Not writable here: a view or a system collection'),
      '413': errorResponse('The body is larger than maxBodyBytes'),
    },
  },
} as const

/** The OpenAPI 3.1 document of the routes `createHttpApp` serves. */
export function openApiDocument(): typeof document {
  return document
}
