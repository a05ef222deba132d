import type { AsyncBuffer } from 'hyparquet'

export interface ByteRange {
  start: number
  /** Exclusive. */
  end: number
}

interface Piece extends ByteRange {
  bytes: ArrayBuffer
}

/**
 * Fetches exactly `ranges` (touching ones merged, nothing in between), in parallel, and returns an
 * AsyncBuffer that serves slices from them.
 *
 * hyparquet coalesces the column chunks it wants with the small gaps between them into one
 * slice. Served from here, those gaps — chunks of columns nobody asked for — are never fetched:
 * they come back as zeros, which is safe because the reader only decodes the chunks it asked for
 * and those were fetched whole. A slice that does not start and end inside fetched ranges falls
 * through to `file`.
 *
 * @example
 * const served = await prefetchRanges(file, [{ start: 4, end: 1200 }, { start: 9000, end: 9800 }])
 * await served.slice(4, 9800) // one buffer; bytes 1200..9000 are zeros, never read
 */
export async function prefetchRanges(file: AsyncBuffer, ranges: readonly ByteRange[]): Promise<AsyncBuffer> {
  const merged: ByteRange[] = []
  for (const range of [...ranges].sort((a, b) => a.start - b.start)) {
    const last = merged[merged.length - 1]
    if (last !== undefined && range.start <= last.end) last.end = Math.max(last.end, range.end)
    else merged.push({ ...range })
  }
  const pieces: Piece[] = await Promise.all(merged.map(async ({ start, end }) => ({ start, end, bytes: await file.slice(start, end) })))
  const pieceAt = (offset: number, isEnd: boolean): Piece | undefined =>
    pieces.find(p => (isEnd ? offset > p.start && offset <= p.end : offset >= p.start && offset < p.end))

  return {
    byteLength: file.byteLength,
    slice(start: number, end = file.byteLength) {
      const first = pieceAt(start, false)
      const last = pieceAt(end, true)
      if (first === undefined || last === undefined) return file.slice(start, end)
      if (first === last) {
        if (start === first.start && end === first.end) return first.bytes
        return first.bytes.slice(start - first.start, end - first.start)
      }
      const out = new Uint8Array(end - start)
      for (const piece of pieces) {
        const from = Math.max(start, piece.start)
        const to = Math.min(end, piece.end)
        if (from < to) out.set(new Uint8Array(piece.bytes, from - piece.start, to - from), from - start)
      }
      return out.buffer
    },
  }
}
