const encoder = new TextEncoder()

/**
 * The bytes a put stores: strings as UTF-8, byte arrays as given (not copied).
 *
 * @example
 * toBytes('hé') // Uint8Array [104, 195, 169]
 */
export function toBytes(data: Uint8Array | string): Uint8Array {
  if (typeof data === 'string') return encoder.encode(data)
  if (data instanceof Uint8Array) return data
  throw new TypeError('storage put: data must be a Uint8Array or a string')
}
