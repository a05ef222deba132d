import { describe, expect, it } from 'vitest'
import { parseSchema } from '../schema/parse-schema.ts'
import { validateRows } from '../schema/validate.ts'
import { materializeRow, VariantText } from '../schema/variant-text.ts'
import { decodeColumnarJson, decodeColumns, encodeColumnarJson } from './columnar-json.ts'

const schema = parseSchema('Everything', {
  text: 'string?',
  count: 'int?',
  big: 'bigint?',
  price: 'decimal(10,2)?',
  wide: 'decimal(30,4)?',
  flag: 'boolean?',
  at: 'timestamp?',
  day: 'date?',
  doc: 'variant?',
  docs: 'variant[]',
  tags: 'string[]',
})

const inputs = [
  { text: 'a "quoted" \n line', count: -5, big: 2n ** 62n, price: 12.5, wide: '123456789012345678901234.5678', flag: true, at: new Date(1_700_000_000_123), day: '2026-01-31', doc: { nested: [1, 'two', null, { three: true }] }, docs: [{ a: 1 }, null, 'text', 7], tags: ['x', 'y'] },
  { text: null, doc: 'just a string', docs: [] },
  {},
]

describe('columnar JSON batches', () => {
  it('round-trips every kind, nulls and variants in their stored form', () => {
    const stored = validateRows(schema, inputs, { variantText: true }).map((row, index) => ({ ...row, $id: `r${index}`, createdAt: new Date(index), updatedAt: new Date(index) }))
    const decoded = decodeColumnarJson(schema, encodeColumnarJson(schema, stored))
    expect(decoded[0]!.doc).toBeInstanceOf(VariantText)
    expect(decoded.map((row) => materializeRow(schema, row))).toEqual(stored.map((row) => materializeRow(schema, row)))
    expect(materializeRow(schema, decoded[1]!).doc).toBe('just a string')
  })

  it('accepts parsed variants too (rows read back from Parquet)', () => {
    const plain = validateRows(schema, inputs)
    const { columns } = decodeColumns(schema, encodeColumnarJson(schema, plain))
    expect(columns.doc![0]).toEqual(inputs[0]!.doc)
    expect(columns.at![0]).toEqual(inputs[0]!.at)
    expect(columns.big![0]).toBe(2n ** 62n)
  })

  it('refuses a damaged batch', () => {
    expect(() => decodeColumnarJson(schema, '{"n":1,"c":{}}')).toThrow(/lacks column/)
    expect(() => decodeColumnarJson(schema, '{"n":')).toThrow(/unreadable/)
  })
})
