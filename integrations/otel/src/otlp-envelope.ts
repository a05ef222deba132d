import { ParqueDBError } from 'parquedb'
import { keyValuesToMap } from './otlp-any-value.ts'
import type { AttributeMap } from './types.ts'

/** Where a record sits in an export request: its resource and instrumentation scope. */
export interface OtlpContext {
  readonly resource: AttributeMap
  readonly scopeName: string | null
  readonly scopeVersion: string | null
  /** `resourceSpans[0].scopeSpans[1].spans[2]`, for messages. */
  readonly path: string
}

export interface OtlpEnvelopeKeys {
  /** 'resourceSpans' | 'resourceLogs' */
  readonly resources: string
  /** 'scopeSpans' | 'scopeLogs' */
  readonly scopes: string
  /** 'spans' | 'logRecords' */
  readonly records: string
}

/**
 * Walks an OTLP export request (`{ resourceSpans: [{ resource, scopeSpans: [{ scope, spans }] }] }`
 * and its logs twin), calling `visit` with each record and its context. The nesting itself must be
 * well formed: a body that is not an object, or a level that is not a list of objects, is a
 * malformed request (a VALIDATION error naming the path); what is inside a record is for `visit`
 * to judge. Absent or null lists are empty, as protobuf's JSON mapping allows.
 *
 * @example
 * walkOtlpEnvelope(body, { resources: 'resourceSpans', scopes: 'scopeSpans', records: 'spans' }, (span, context) => ...)
 */
export function walkOtlpEnvelope(body: unknown, keys: OtlpEnvelopeKeys, visit: (record: unknown, context: OtlpContext) => void): void {
  if (!isObject(body)) throw malformed(`the body must be a JSON object such as { "${keys.resources}": [...] }`, '')
  for (const [r, resourceEntry] of listAt(body, keys.resources, '').entries()) {
    const resourcePath = `${keys.resources}[${r}]`
    if (!isObject(resourceEntry)) throw malformed('must be an object', resourcePath)
    const resource = resourceEntry.resource
    if (resource !== undefined && resource !== null && !isObject(resource)) throw malformed('must be an object', `${resourcePath}.resource`)
    const resourceAttributes = keyValuesToMap(isObject(resource) ? resource.attributes : undefined)
    for (const [s, scopeEntry] of listAt(resourceEntry, keys.scopes, resourcePath).entries()) {
      const scopePath = `${resourcePath}.${keys.scopes}[${s}]`
      if (!isObject(scopeEntry)) throw malformed('must be an object', scopePath)
      const scope = isObject(scopeEntry.scope) ? scopeEntry.scope : {}
      for (const [index, record] of listAt(scopeEntry, keys.records, scopePath).entries()) {
        visit(record, {
          resource: resourceAttributes,
          scopeName: typeof scope.name === 'string' && scope.name !== '' ? scope.name : null,
          scopeVersion: typeof scope.version === 'string' && scope.version !== '' ? scope.version : null,
          path: `${scopePath}.${keys.records}[${index}]`,
        })
      }
    }
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function listAt(parent: Record<string, unknown>, key: string, path: string): readonly unknown[] {
  const value = parent[key]
  if (value === undefined || value === null) return []
  if (!Array.isArray(value)) throw malformed('must be a list', path === '' ? key : `${path}.${key}`)
  return value
}

function malformed(problem: string, path: string): ParqueDBError {
  return new ParqueDBError('VALIDATION', `OTLP request: ${path === '' ? '' : `${path} `}${problem}`, { path })
}
