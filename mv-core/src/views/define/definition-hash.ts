import { canonicalJson } from './canonical-json.ts'

const FNV_OFFSET = 0xcbf29ce484222325n
const FNV_PRIME = 0x100000001b3n
const MASK_64 = 0xffffffffffffffffn

/**
 * A stable 64-bit FNV-1a hash of a definition's canonical JSON (UTF-8), as 16 hex digits. Key
 * order does not change it; any other edit almost surely does. Synchronous on purpose: plans are
 * built where an await would be awkward, and definitions are small.
 *
 * @example
 * definitionHash({ $from: 'Order', $refresh: { mode: 'manual' } }) === definitionHash({ $refresh: { mode: 'manual' }, $from: 'Order' }) // true
 */
export function definitionHash(definition: unknown): string {
  return fnv1a64(canonicalJson(definition))
}

/** FNV-1a 64 of a string's UTF-8 bytes. */
export function fnv1a64(text: string): string {
  let hash = FNV_OFFSET
  const byte = (b: number) => {
    hash = ((hash ^ BigInt(b)) * FNV_PRIME) & MASK_64
  }
  for (const char of text) {
    const code = char.codePointAt(0) as number
    if (code < 0x80) byte(code)
    else if (code < 0x800) {
      byte(0xc0 | (code >> 6))
      byte(0x80 | (code & 0x3f))
    } else if (code < 0x10000) {
      byte(0xe0 | (code >> 12))
      byte(0x80 | ((code >> 6) & 0x3f))
      byte(0x80 | (code & 0x3f))
    } else {
      byte(0xf0 | (code >> 18))
      byte(0x80 | ((code >> 12) & 0x3f))
      byte(0x80 | ((code >> 6) & 0x3f))
      byte(0x80 | (code & 0x3f))
    }
  }
  return hash.toString(16).padStart(16, '0')
}
