/** A parsed NDJSON row and the 1-based line it came from. */
export interface NdjsonRow {
  readonly line: number
  readonly row: Record<string, unknown>
}

/** A line that is not a JSON object, and why. */
export interface NdjsonRejection {
  readonly line: number
  readonly reason: string
}

export interface NdjsonBatch {
  readonly rows: readonly NdjsonRow[]
  /** Lines of this stretch of input that could not be parsed. */
  readonly invalid: readonly NdjsonRejection[]
  /** Bytes read from the start of the input, for progress. */
  readonly bytesRead: number
}

/**
 * Reads newline-delimited JSON into batches of up to `batchSize` objects, keeping each row's line
 * number; blank lines are skipped, a line that is not a JSON object is reported, not thrown.
 * Reads no further than the consumer asks (backpressure through the async iterator).
 *
 * @example
 * for await (const batch of readNdjsonBatches(createReadStream('events.ndjson'), 5000)) await insert(batch.rows)
 */
export async function* readNdjsonBatches(source: AsyncIterable<Uint8Array | string>, batchSize: number): AsyncGenerator<NdjsonBatch> {
  const decoder = new TextDecoder()
  let pending = ''
  let line = 0
  let bytesRead = 0
  let rows: NdjsonRow[] = []
  let invalid: NdjsonRejection[] = []

  const take = (text: string) => {
    line++
    const trimmed = text.trim()
    if (trimmed === '') return
    let value: unknown
    try {
      value = JSON.parse(trimmed)
    } catch (error) {
      invalid.push({ line, reason: `not valid JSON (${error instanceof Error ? error.message : String(error)})` })
      return
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) invalid.push({ line, reason: `expected a JSON object, got ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}` })
    else rows.push({ line, row: value as Record<string, unknown> })
  }
  const flush = (): NdjsonBatch => {
    const batch = { rows, invalid, bytesRead }
    rows = []
    invalid = []
    return batch
  }

  for await (const chunk of source) {
    if (typeof chunk === 'string') {
      bytesRead += Buffer.byteLength(chunk)
      pending += chunk
    } else {
      bytesRead += chunk.byteLength
      pending += decoder.decode(chunk, { stream: true })
    }
    let newline = pending.indexOf('\n')
    let start = 0
    while (newline !== -1) {
      take(pending.slice(start, newline))
      start = newline + 1
      if (rows.length >= batchSize) yield flush()
      newline = pending.indexOf('\n', start)
    }
    pending = pending.slice(start)
  }
  pending += decoder.decode()
  if (pending !== '') take(pending)
  if (rows.length > 0 || invalid.length > 0) yield flush()
}
