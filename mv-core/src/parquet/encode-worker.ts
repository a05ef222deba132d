// The worker side of workerEncoder: encodes column batches posted by the main thread.
import { parentPort } from 'node:worker_threads'
import { ParqueDBError } from '../errors.ts'
import type { CollectionSchema } from '../schema/types.ts'
import { decodeColumns } from '../table/columnar-json.ts'
import { encodeParquetColumns, type EncodeOptions } from './encode.ts'

export interface EncodeRequest {
  id: number
  schema: CollectionSchema
  /** The rows as columnar JSON: one flat string is far cheaper to post than many small values. */
  batch: string
  options: EncodeOptions
}

const port = parentPort
if (!port) throw new Error('encode-worker runs as a worker thread')

port.on('message', (request: EncodeRequest) => {
  try {
    const { rowCount, columns } = decodeColumns(request.schema, request.batch)
    const encoded = encodeParquetColumns(request.schema, { rowCount, column: (name) => columns[name] ?? [] }, request.options)
    port.postMessage({ id: request.id, encoded }, [encoded.bytes.buffer as ArrayBuffer])
  } catch (error) {
    const known = ParqueDBError.isInstance(error)
    port.postMessage({
      id: request.id,
      error: { message: error instanceof Error ? error.message.replace(/^\[parquedb\] /, '') : String(error), code: known ? error.code : 'STORAGE', details: known ? error.details : {} },
    })
  }
})
