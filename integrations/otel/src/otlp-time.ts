/**
 * A fixed64 nanosecond time as OTLP/JSON senders write it: a decimal string (the spec, and what
 * the JS exporter sends), a number (exact only to 2^53, still a common sender habit), or the
 * `{ low, high }` halves protobuf.js produces. Undefined when it is none of these.
 *
 * @example
 * decodeOtlpNanos('1700000000123456789') // 1700000000123456789n
 * decodeOtlpNanos(1700000000123456789)   // 1700000000123456768n (the number's own value)
 */
export function decodeOtlpNanos(value: unknown): bigint | undefined {
  if (typeof value === 'string') return DIGITS.test(value) ? BigInt(value) : undefined
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? BigInt(value) : undefined
  if (typeof value === 'object' && value !== null && 'low' in value && 'high' in value) {
    const { low, high } = value
    if (!isUint32(low) || !isUint32(high)) return undefined
    return (BigInt(high) << 32n) | BigInt(low)
  }
  return undefined
}

const DIGITS = /^\d{1,20}$/
/** fixed64 is unsigned: at most 2^64 - 1. */
const MAX_FIXED64 = (1n << 64n) - 1n

function isUint32(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffff_ffff
}

/** True for a time within fixed64 (a 20-digit string can exceed it). */
export function isFixed64(nanos: bigint): boolean {
  return nanos <= MAX_FIXED64
}
