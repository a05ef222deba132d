import { describe, expect, it } from 'vitest'
import { anyValueToJson, keyValuesToMap } from './otlp-any-value.ts'
import { decodeOtlpId } from './otlp-id.ts'
import { decodeOtlpNanos } from './otlp-time.ts'

describe('OTLP/JSON scalars', () => {
  it('reads ids as hex of any case or base64 (standard or URL-safe, padded or not), and refuses the rest', () => {
    const hex = '5b8efff798038103d269b633813fc60c'
    for (const text of [hex, hex.toUpperCase(), 'W47/95gDgQPSabYzgT/GDA==', 'W47/95gDgQPSabYzgT/GDA', 'W47_95gDgQPSabYzgT_GDA==']) expect(decodeOtlpId(text, 16)).toBe(hex)
    expect(decodeOtlpId('7uGbfsPBsXQ=', 8)).toBe('eee19b7ec3c1b174')
    for (const text of ['', hex.slice(2), `${hex}00`, 'zz8efff798038103d269b633813fc60c', '0'.repeat(32), 'AAAAAAAAAAAAAAAAAAAAAA==', 'W47/95gDgQPSabYzgT/G', 42, null]) expect(decodeOtlpId(text, 16)).toBeUndefined()
    // A 16-byte id is not a span id.
    expect(decodeOtlpId(hex, 8)).toBeUndefined()
  })

  it('reads nanosecond times from decimal strings, numbers and { low, high }', () => {
    expect(decodeOtlpNanos('1714557600123456789')).toBe(1714557600123456789n)
    expect(decodeOtlpNanos(1714557600000000000)).toBe(1714557600000000000n)
    expect(decodeOtlpNanos({ low: 1, high: 1 })).toBe(4294967297n)
    for (const value of ['-1', '1.5', 'soon', -1, 1.5, Number.NaN, { low: -1, high: 0 }, null, undefined]) expect(decodeOtlpNanos(value)).toBeUndefined()
  })

  it('turns AnyValue and KeyValue lists into plain JSON', () => {
    expect(anyValueToJson({ intValue: '42' })).toBe(42)
    expect(anyValueToJson({ intValue: '-9223372036854775808' })).toBe('-9223372036854775808')
    expect(anyValueToJson({ doubleValue: 'NaN' })).toBe('NaN')
    expect(anyValueToJson({ boolValue: false })).toBe(false)
    expect(anyValueToJson({ arrayValue: { values: [{ stringValue: 'a' }, {}, { doubleValue: 1.5 }] } })).toEqual(['a', null, 1.5])
    expect(anyValueToJson({ bytesValue: 'AQI=' })).toBe('AQI=')
    const map = keyValuesToMap([{ key: '__proto__', value: { stringValue: 'x' } }, { key: 'a', value: { kvlistValue: { values: [{ key: 'b', value: { intValue: 1 } }] } } }, { value: {} }])
    expect(Object.keys(map)).toEqual(['__proto__', 'a'])
    expect(map.a).toEqual({ b: 1 })
    expect(Object.getPrototypeOf(map)).toBe(Object.prototype)
  })
})
