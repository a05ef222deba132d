import { ParqueDBError } from '../errors.ts'
import type { CollectionSchema, Field, ScalarField, ScalarKind } from '../schema/types.ts'

/** Schemas and rows shared by the query tests; built by hand so they do not depend on the schema parser. */

export function column(name: string, kind: ScalarKind, options: { array?: boolean; required?: boolean; precision?: number; scale?: number } = {}): ScalarField {
  const { array = false, required = false, precision, scale } = options
  const base = kind === 'decimal' ? `decimal(${precision},${scale})` : kind
  return Object.freeze({ name, kind, array, required, precision, scale, source: `${base}${array ? '[]' : ''}${required ? '!' : '?'}` })
}

export function schemaOf(name: string, fields: readonly Field[]): CollectionSchema {
  const system = [column('$id', 'string', { required: true }), column('createdAt', 'timestamp', { required: true }), column('updatedAt', 'timestamp', { required: true })]
  const stored = fields.flatMap((field): ScalarField[] =>
    field.kind !== 'relation' ? [field] : field.direction === 'forward' ? [column(field.name, 'string', { array: field.many })] : [],
  )
  const columns = [...system, ...stored]
  return Object.freeze({
    name,
    typeName: name,
    fields,
    columns,
    byName: new Map<string, Field>([...system.map((c) => [c.name, c] as const), ...fields.map((f) => [f.name, f] as const)]),
    directives: {},
  })
}

/** The tail-events collection plus a few columns of the other kinds. */
export const tailSchema = schemaOf('TailEvents', [
  column('scriptName', 'string', { required: true }),
  column('outcome', 'string', { required: true }),
  column('eventTimestamp', 'timestamp', { required: true }),
  column('event', 'variant'),
  column('logs', 'variant', { array: true }),
  column('exceptions', 'variant', { array: true }),
  column('cpuTime', 'int'),
  column('wallTime', 'int'),
  column('truncated', 'boolean'),
  column('tags', 'string', { array: true }),
  column('bytes', 'bigint'),
  column('price', 'decimal', { precision: 10, scale: 2 }),
  column('total', 'decimal', { precision: 30, scale: 4 }),
  column('day', 'date'),
  column('ratio', 'double'),
  { name: 'account', kind: 'relation', direction: 'forward', target: 'Account', many: false, required: false, source: '-> Account' },
  { name: 'alerts', kind: 'relation', direction: 'reverse', target: 'Alert', many: true, required: false, source: '<- Alert[]' },
])

export const tailRow = Object.freeze({
  $id: 'evt_1',
  createdAt: new Date('2026-01-01T00:00:00.000Z'),
  updatedAt: new Date('2026-01-01T00:00:00.000Z'),
  scriptName: 'api',
  outcome: 'exception',
  eventTimestamp: new Date('2026-01-01T00:00:05.000Z'),
  event: {
    request: { method: 'GET', url: 'https://example.com/users/1', headers: { 'user-agent': 'curl' }, cf: { colo: 'SJC', country: 'US', asn: 13335 } },
    response: { status: 500 },
  },
  exceptions: [{ name: 'TypeError', message: 'x is undefined', timestamp: 5 }],
  logs: [
    { level: 'info', message: ['start'], timestamp: 1 },
    { level: 'error', message: ['x'], timestamp: 3 },
  ],
  cpuTime: 12,
  wallTime: 80,
  truncated: false,
  tags: ['beta', 'eu'],
  bytes: 9007199254740993n,
  price: 12.5,
  total: '12345678901234567890.1234',
  day: '2026-01-01',
  ratio: 0.25,
  account: 'acct_1',
})

/** The error a call throws, asserting it is a BAD_FILTER ParqueDBError. */
export function badFilterError(fn: () => unknown): ParqueDBError {
  try {
    fn()
  } catch (error) {
    if (ParqueDBError.isInstance(error, 'BAD_FILTER')) return error
    throw error
  }
  throw new Error('expected a BAD_FILTER error, but nothing was thrown')
}
