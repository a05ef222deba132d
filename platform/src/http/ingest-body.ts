import { ParqueDBError } from '@parquedb/mv-core'

const NDJSON_TYPES = new Set(['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/x-jsonlines'])

/** True for the newline-delimited JSON content types (one row per line). */
export function isNdjson(contentType: string | undefined): boolean {
  return NDJSON_TYPES.has((contentType ?? '').split(';')[0]!.trim().toLowerCase())
}

/**
 * The rows of an ingest body: a JSON array of rows, one JSON row, or NDJSON (one row per line,
 * blank lines skipped). A line that is not JSON fails as VALIDATION naming its row index and
 * line, like the engine's schema errors name the row.
 *
 * @example
 * rowsOfBody('{"a":1}\n{"a":2}\n', 'application/x-ndjson') // [{ a: 1 }, { a: 2 }]
 */
export function rowsOfBody(text: string, contentType: string | undefined): unknown[] {
  if (isNdjson(contentType)) {
    const rows: unknown[] = []
    const lines = text.split('\n')
    for (const [index, line] of lines.entries()) {
      if (line.trim() === '') continue
      try {
        rows.push(JSON.parse(line))
      } catch (error) {
        throw new ParqueDBError('VALIDATION', `body: row ${rows.length} (line ${index + 1}) is not valid JSON: ${reason(error)}`, { row: rows.length, line: index + 1 })
      }
    }
    return rows
  }
  if (text.trim() === '') throw new ParqueDBError('VALIDATION', 'body: expected a JSON array of rows or one row, got an empty body')
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch (error) {
    throw new ParqueDBError('VALIDATION', `body: not valid JSON (send a JSON array of rows, one row, or NDJSON with content-type application/x-ndjson): ${reason(error)}`)
  }
  return Array.isArray(body) ? body : [body]
}

/** A JSON request body (queries, SQL); an empty body is `undefined`. */
export function jsonOfBody(text: string, code: 'BAD_FILTER' | 'BAD_SQL'): unknown {
  if (text.trim() === '') return undefined
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new ParqueDBError(code, `body: not valid JSON: ${reason(error)}`)
  }
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
