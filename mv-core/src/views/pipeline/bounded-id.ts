import { MAX_ID_LENGTH } from '../../schema/value-normalizer.ts'
import { fnv1a64 } from '../define/definition-hash.ts'

/** Characters kept from a long id before its hash: readable, and the result stays ≤ MAX_ID_LENGTH. */
const KEPT = MAX_ID_LENGTH - 17

/**
 * An id of at most 256 characters (the limit of `$id`): short texts as they are, longer ones as
 * their first 239 characters, `~` and the FNV-1a 64 of the whole text (16 hex digits), so they
 * stay readable and distinct (up to a 2^-64 chance of collision). Callers make sure their
 * unshortened ids never end like a shortened one: group keys end with `]`, and fanned-out row
 * ids escape `~`.
 *
 * @example
 * boundedId('["paid"]') // '["paid"]'
 * boundedId('x'.repeat(300)) // 'xxx…x~<16 hex digits>' (256 characters)
 */
export function boundedId(text: string): string {
  if (text.length <= MAX_ID_LENGTH) return text
  let kept = text.slice(0, KEPT)
  // Never end on half of a surrogate pair: ids cannot hold lone surrogates.
  const last = kept.charCodeAt(kept.length - 1)
  if (last >= 0xd800 && last <= 0xdbff) kept = kept.slice(0, -1)
  return `${kept}~${fnv1a64(text)}`
}
