import { describe, expect, it } from 'vitest'
import { ParqueDBError } from '../errors.ts'
import { parseSchema } from './parse-schema.ts'
import type { RelationField, ScalarField } from './types.ts'

function schemaError(definition: unknown, collection = 'Order'): ParqueDBError {
  try {
    parseSchema(collection, definition)
  } catch (error) {
    if (ParqueDBError.isInstance(error, 'SCHEMA')) return error
    throw error
  }
  throw new Error('expected parseSchema to throw')
}

describe('parseSchema', () => {
  it('parses every field string the product uses', () => {
    const schema = parseSchema('Order', {
      $type: 'SalesOrder',
      $ingest: { source: 'otel', batch: 100 },
      $views: ['daily'],
      name: 'string!',
      nickname: 'string?',
      bio: 'string',
      body: 'text',
      qty: 'int!',
      rank: 'int?',
      bytes: 'bigint',
      ratio: 'float',
      score: 'double',
      amount: 'number',
      total: 'decimal(10,2)!',
      rate: 'decimal(5,4)!',
      paid: 'boolean!',
      flag: 'bool',
      placedAt: 'timestamp!',
      shipDay: 'date',
      meta: 'variant?',
      payload: 'variant!',
      extra: 'json',
      logs: 'variant[]',
      tags: 'string[]',
      counts: 'int[]',
      customer: '-> Customer',
      owner: '-> Customer!',
      referrer: '-> Customer?',
      items: '<- OrderItem[]',
      lines: '<- OrderItem.order[]',
    })
    expect(Object.isFrozen(schema)).toBe(true)
    expect(schema.name).toBe('Order')
    expect(schema.typeName).toBe('SalesOrder')
    expect(schema.directives).toEqual({ $ingest: { source: 'otel', batch: 100 }, $views: ['daily'] })
    const field = (name: string) => schema.byName.get(name)
    expect(field('name')).toEqual({ name: 'name', kind: 'string', required: true, array: false, source: 'string!' })
    expect(field('nickname')).toMatchObject({ kind: 'string', required: false })
    expect(field('body')).toMatchObject({ kind: 'string', required: false })
    expect(field('amount')).toMatchObject({ kind: 'double' })
    expect(field('flag')).toMatchObject({ kind: 'boolean' })
    expect(field('extra')).toMatchObject({ kind: 'variant' })
    expect(field('total')).toEqual({ name: 'total', kind: 'decimal', required: true, array: false, precision: 10, scale: 2, source: 'decimal(10,2)!' })
    expect(field('rate')).toMatchObject({ precision: 5, scale: 4 })
    expect(field('logs')).toMatchObject({ kind: 'variant', array: true, required: false })
    expect(field('counts')).toMatchObject({ kind: 'int', array: true })
    expect(field('customer')).toEqual({ name: 'customer', kind: 'relation', direction: 'forward', target: 'Customer', many: false, required: false, source: '-> Customer' } satisfies RelationField)
    expect(field('owner')).toMatchObject({ direction: 'forward', required: true })
    expect(field('items')).toEqual({ name: 'items', kind: 'relation', direction: 'reverse', target: 'OrderItem', many: true, required: false, source: '<- OrderItem[]' })
    expect(field('lines')).toMatchObject({ direction: 'reverse', target: 'OrderItem', via: 'order', many: true })

    // Declared order; system fields are not repeated in `fields`.
    expect(schema.fields.map(f => f.name)[0]).toBe('name')
    expect(schema.fields).toHaveLength(27)
    // Columns: system fields first, forward relations as $id strings, reverse relations not stored.
    const columns = schema.columns.map(c => c.name)
    expect(columns.slice(0, 3)).toEqual(['$id', 'createdAt', 'updatedAt'])
    expect(columns).toContain('customer')
    expect(columns).not.toContain('items')
    expect(columns).not.toContain('lines')
    expect(schema.columns.find(c => c.name === 'owner')).toEqual({ name: 'owner', kind: 'string', required: true, array: false, source: '-> Customer!' } satisfies ScalarField)
    expect(schema.columns[1]).toMatchObject({ kind: 'timestamp', required: true })
    expect(field('$id')).toMatchObject({ kind: 'string', required: true })
  })

  it('is deeply read-only', () => {
    const schema = parseSchema('Event', { name: 'string!' })
    expect(Object.isFrozen(schema.fields)).toBe(true)
    expect(Object.isFrozen(schema.columns)).toBe(true)
    expect(Object.isFrozen(schema.fields[0])).toBe(true)
    expect(() => (schema.byName as Map<string, unknown>).set('x', {})).toThrow(TypeError)
    expect(() => (schema.byName as Map<string, unknown>).delete('name')).toThrow(TypeError)
  })

  it('accepts spacing, decimal(p) and the full decimal range', () => {
    const schema = parseSchema('T', { a: ' decimal( 38 , 10 ) ', b: 'decimal(7)', c: 'decimal(1,1)!', d: 'string []?', e: '->Customer', f: '<-  OrderItem.order []' })
    expect(schema.byName.get('a')).toMatchObject({ precision: 38, scale: 10, required: false })
    expect(schema.byName.get('b')).toMatchObject({ precision: 7, scale: 0 })
    expect(schema.byName.get('c')).toMatchObject({ precision: 1, scale: 1, required: true })
    expect(schema.byName.get('d')).toMatchObject({ kind: 'string', array: true, required: false })
    expect(schema.byName.get('e')).toMatchObject({ target: 'Customer' })
    expect(schema.byName.get('f')).toMatchObject({ via: 'order', many: true })
  })

  it('defaults typeName to the collection name and allows redeclaring system fields', () => {
    const schema = parseSchema('Span', { $id: 'string!', createdAt: 'timestamp', updatedAt: 'timestamp!', name: 'string' })
    expect(schema.typeName).toBe('Span')
    expect(schema.fields.map(f => f.name)).toEqual(['name'])
    expect(schema.columns.map(c => c.name)).toEqual(['$id', 'createdAt', 'updatedAt', 'name'])
    expect(schema.directives).toEqual({})
  })

  it.each([
    ['decimal(10,)', `[parquedb] collection "Order": field "total": unknown type "decimal(10,)" (expected e.g. 'string!', 'decimal(10,2)!', '-> Customer')`],
    ['decimal(,2)', `[parquedb] collection "Order": field "total": unknown type "decimal(,2)" (expected e.g. 'string!', 'decimal(10,2)!', '-> Customer')`],
    ['strin!', `[parquedb] collection "Order": field "total": unknown type "strin!" (expected e.g. 'string!', 'decimal(10,2)!', '-> Customer')`],
    ['String!', `[parquedb] collection "Order": field "total": unknown type "String!" (expected e.g. 'string!', 'decimal(10,2)!', '-> Customer')`],
    ['', `[parquedb] collection "Order": field "total": unknown type "" (expected e.g. 'string!', 'decimal(10,2)!', '-> Customer')`],
    ['string!!', `[parquedb] collection "Order": field "total": unknown type "string!!" (expected e.g. 'string!', 'decimal(10,2)!', '-> Customer')`],
    ['string?!', `[parquedb] collection "Order": field "total": unknown type "string?!" (expected e.g. 'string!', 'decimal(10,2)!', '-> Customer')`],
    ['string![]', `[parquedb] collection "Order": field "total": unknown type "string![]" (expected e.g. 'string!', 'decimal(10,2)!', '-> Customer')`],
    ['string[][]', `[parquedb] collection "Order": field "total": unknown type "string[][]" (expected e.g. 'string!', 'decimal(10,2)!', '-> Customer')`],
    ['string(10)', `[parquedb] collection "Order": field "total": unknown type "string(10)" (expected e.g. 'string!', 'decimal(10,2)!', '-> Customer')`],
    ['decimal(10,2', `[parquedb] collection "Order": field "total": unknown type "decimal(10,2" (expected e.g. 'string!', 'decimal(10,2)!', '-> Customer')`],
    ['decimal(-1,2)', `[parquedb] collection "Order": field "total": unknown type "decimal(-1,2)" (expected e.g. 'string!', 'decimal(10,2)!', '-> Customer')`],
    ['->', `[parquedb] collection "Order": field "total": unknown type "->" (expected e.g. 'string!', 'decimal(10,2)!', '-> Customer')`],
    ['-> Customer.orders', `[parquedb] collection "Order": field "total": unknown type "-> Customer.orders" (expected e.g. 'string!', 'decimal(10,2)!', '-> Customer')`],
    ['<- OrderItem.[]', `[parquedb] collection "Order": field "total": unknown type "<- OrderItem.[]" (expected e.g. 'string!', 'decimal(10,2)!', '-> Customer')`],
    ['=> Customer', `[parquedb] collection "Order": field "total": unknown type "=> Customer" (expected e.g. 'string!', 'decimal(10,2)!', '-> Customer')`],
    ['decimal', `[parquedb] collection "Order": field "total": decimal needs a precision and scale in "decimal" (e.g. 'decimal(10,2)')`],
    ['decimal!', `[parquedb] collection "Order": field "total": decimal needs a precision and scale in "decimal!" (e.g. 'decimal(10,2)')`],
    ['decimal(0,0)', `[parquedb] collection "Order": field "total": decimal precision must be 1..38, got 0 in "decimal(0,0)"`],
    ['decimal(39,2)!', `[parquedb] collection "Order": field "total": decimal precision must be 1..38, got 39 in "decimal(39,2)!"`],
    ['decimal(4,5)', `[parquedb] collection "Order": field "total": decimal scale must not exceed its precision, got scale 5 > precision 4 in "decimal(4,5)"`],
    ['<- OrderItem[]!', `[parquedb] collection "Order": field "total": reverse relation "<- OrderItem[]!" is computed from OrderItem and cannot be required`],
  ])('rejects %j with an exact message', (source, message) => {
    const error = schemaError({ total: source })
    expect(error.message).toBe(message)
    expect(error.details).toEqual({ collection: 'Order', field: 'total' })
  })

  it('rejects non-string field definitions', () => {
    expect(schemaError({ total: 42 }).message).toBe(`[parquedb] collection "Order": field "total": expected a field string like 'string!', got 42`)
    expect(schemaError({ total: { type: 'int' } }).message).toBe(`[parquedb] collection "Order": field "total": expected a field string like 'string!', got {"type":"int"}`)
    expect(schemaError({ total: null }).message).toBe(`[parquedb] collection "Order": field "total": expected a field string like 'string!', got null`)
  })

  it('rejects system fields with a conflicting type', () => {
    expect(schemaError({ createdAt: 'string' }).message).toBe(`[parquedb] collection "Order": field "createdAt": is a system field and can only be declared as 'timestamp' or 'timestamp!', got "string"`)
    expect(schemaError({ updatedAt: 'timestamp?' }).message).toBe(`[parquedb] collection "Order": field "updatedAt": is a system field and can only be declared as 'timestamp' or 'timestamp!', got "timestamp?"`)
    expect(schemaError({ $id: 'int!' }).message).toBe(`[parquedb] collection "Order": field "$id": is a system field and can only be declared as 'string' or 'string!', got "int!"`)
    expect(schemaError({ $id: 5 }).message).toBe(`[parquedb] collection "Order": field "$id": is a system field and can only be declared as 'string' or 'string!', got 5`)
  })

  it('rejects bad field names', () => {
    expect(schemaError({ 'address.city': 'string' }).message).toBe(`[parquedb] collection "Order": field "address.city": field names cannot contain '.'`)
    expect(schemaError({ '': 'string' }).message).toBe(`[parquedb] collection "Order": field "": field names cannot be empty`)
    expect(schemaError(JSON.parse('{"__proto__": "string"}')).message).toBe(`[parquedb] collection "Order": field "__proto__": is a reserved name`)
  })

  it('rejects a definition that is not an object', () => {
    expect(schemaError(null).message).toBe('[parquedb] collection "Order": definition must be an object of field strings, got null')
    expect(schemaError(['string']).message).toBe('[parquedb] collection "Order": definition must be an object of field strings, got an array')
    expect(schemaError('string!').message).toBe('[parquedb] collection "Order": definition must be an object of field strings, got string')
    expect(schemaError(undefined).message).toBe('[parquedb] collection "Order": definition must be an object of field strings, got undefined')
    expect(schemaError({ $type: '' }).message).toBe('[parquedb] collection "Order": directive "$type" must be a non-empty string, got ""')
    expect(schemaError({ $type: 3 }).message).toBe('[parquedb] collection "Order": directive "$type" must be a non-empty string, got 3')
    expect(schemaError({}, '').message).toBe('[parquedb] collection "": collection name must be a non-empty string')
  })
})
