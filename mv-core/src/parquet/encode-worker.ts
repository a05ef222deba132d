// The worker side of workerEncoder: encodes column batches posted by the main thread.
import { parentPort } from 'node:worker_threads'
import { ParqueDBError } from '../errors.ts'
import type { CollectionSchema } from '../schema/types.ts'
import { VariantText } from '../schema/variant-text.ts'
import { encodeParquetColumns, type EncodeOptions } from './encode.ts'

export interface EncodeRequest {
  id: number
  schema: CollectionSchema
  rowCount: number
  /** Variant values arrive as their JSON text (class instances do not survive postMessage). */
  columns: Record<string, unknown[]>
  options: EncodeOptions
}

const port = parentPort
if (!port) throw new Error('encode-worker runs as a worker thread')

const wrap = (value: unknown) => (typeof value === 'string' ? new VariantText(value) : value)

port.on('message', (request: EncodeRequest) => {
  try {
    for (const column of request.schema.columns) {
      if (column.kind !== 'variant') continue
      const values = request.columns[column.name] as unknown[]
      for (let i = 0; i < values.length; i++) {
        const value = values[i]
        values[i] = column.array && Array.isArray(value) ? value.map(wrap) : wrap(value)
      }
    }
    const encoded = encodeParquetColumns(request.schema, { rowCount: request.rowCount, column: (name) => request.columns[name] ?? [] }, request.options)
    port.postMessage({ id: request.id, encoded }, [encoded.bytes.buffer as ArrayBuffer])
  } catch (error) {
    const known = ParqueDBError.isInstance(error)
    port.postMessage({
      id: request.id,
      error: { message: error instanceof Error ? error.message.replace(/^\[parquedb\] /, '') : String(error), code: known ? error.code : 'STORAGE', details: known ? error.details : {} },
    })
  }
})
