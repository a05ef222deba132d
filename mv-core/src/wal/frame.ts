import { crc32 } from 'node:zlib'

/** Bytes before each record: u32 length, u32 crc32 (both little-endian). */
export const FRAME_HEADER_BYTES = 8

/** The largest record a u32 length can frame. */
export const MAX_RECORD_BYTES = 0xffff_ffff

/**
 * Frames one record as [u32 length][u32 crc32][bytes]. The crc covers the length field as well
 * as the bytes, so a zero-filled tail (a crash after the file grew, before data landed) never
 * reads back as a run of valid empty records.
 *
 * @example
 * encodeFrame(new Uint8Array([1, 2])).byteLength // 10
 */
export function encodeFrame(record: Uint8Array): Uint8Array {
  const frame = new Uint8Array(FRAME_HEADER_BYTES + record.byteLength)
  const view = new DataView(frame.buffer)
  view.setUint32(0, record.byteLength, true)
  frame.set(record, FRAME_HEADER_BYTES)
  view.setUint32(4, frameCrc(frame.subarray(0, 4), record), true)
  return frame
}

/** What `scanFrames` found in a segment. */
export interface ScanResult {
  /** Copies of every intact record, in file order. */
  records: Uint8Array[]
  /** Length of the intact prefix; less than the input length when the tail is torn or corrupt. */
  validBytes: number
}

/**
 * Reads frames from the start of a segment until the bytes end or a frame is short or fails
 * its crc.
 *
 * @example
 * const { records, validBytes } = scanFrames(await readFile('1.wal'))
 */
export function scanFrames(bytes: Uint8Array): ScanResult {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const records: Uint8Array[] = []
  let position = 0
  while (bytes.byteLength - position >= FRAME_HEADER_BYTES) {
    const length = view.getUint32(position, true)
    const crc = view.getUint32(position + 4, true)
    const start = position + FRAME_HEADER_BYTES
    if (length > bytes.byteLength - start) break
    const record = bytes.subarray(start, start + length)
    if (frameCrc(bytes.subarray(position, position + 4), record) !== crc) break
    records.push(record.slice())
    position = start + length
  }
  return { records, validBytes: position }
}

function frameCrc(lengthField: Uint8Array, record: Uint8Array): number {
  return crc32(record, crc32(lengthField)) >>> 0
}
