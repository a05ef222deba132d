/**
 * Trace and span ids as OTLP/JSON senders write them: the spec's hex (any case), or base64 of the
 * bytes, which protobuf's own JSON mapping produces (and some collectors and SDKs send). Returned
 * as lowercase hex; undefined when the text is neither, has the wrong length, or is all zeros
 * (the spec's invalid id).
 *
 * @example
 * decodeOtlpId('5B8EFFF798038103D269B633813FC60C', 16) // '5b8efff798038103d269b633813fc60c'
 * decodeOtlpId('W47/95gDgQPSabYzgT/GDA==', 16)         // '5b8efff798038103d269b633813fc60c'
 */
export function decodeOtlpId(value: unknown, bytes: 16 | 8): string | undefined {
  const hex = decodeOtlpIdBytes(value, bytes)
  return hex === undefined || isZeroId(hex) ? undefined : hex
}

/** decodeOtlpId that lets all zeros through, for fields where zeros mean "none" (a log outside a span). */
export function decodeOtlpIdBytes(value: unknown, bytes: 16 | 8): string | undefined {
  if (typeof value !== 'string') return undefined
  if (value.length === bytes * 2 && HEX.test(value)) return value.toLowerCase()
  return hexOfBase64(value, bytes)
}

export function isZeroId(hex: string): boolean {
  return ALL_ZEROS.test(hex)
}

const HEX = /^[0-9a-fA-F]+$/
const ALL_ZEROS = /^0+$/
/** Standard or URL-safe alphabet, padded or not. */
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/

function hexOfBase64(value: string, bytes: number): string | undefined {
  if (!BASE64.test(value) || value.replace(/=+$/, '').length !== Math.ceil((bytes * 4) / 3)) return undefined
  let binary: string
  try {
    binary = atob(value.replaceAll('-', '+').replaceAll('_', '/').replace(/=+$/, ''))
  } catch {
    return undefined
  }
  if (binary.length !== bytes) return undefined
  let hex = ''
  for (let index = 0; index < binary.length; index++) hex += binary.charCodeAt(index).toString(16).padStart(2, '0')
  return hex
}
