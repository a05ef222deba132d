import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { ParqueDBError, type ErrorCode } from '../errors.ts'
import { encodeColumnarJson } from '../table/columnar-json.ts'
import type { EncodedParquet } from './encode.ts'
import type { EncodeRequest } from './encode-worker.ts'
import type { ParquetEncoder } from './encoder.ts'

export interface WorkerEncoderOptions {
  /** Node flags for the worker (default: none). */
  execArgv?: string[]
}

export interface WorkerEncoder extends ParquetEncoder {
  /** Stops the worker; pending encodes are rejected. */
  close(): Promise<void>
}

type Reply = { id: number; encoded: EncodedParquet } | { id: number; error: { message: string; code: ErrorCode; details: Record<string, unknown> } }

/**
 * Encodes Parquet on a worker thread, so flushes use the second core while the main thread keeps
 * acknowledging writes. Rows cross as one columnar JSON string (see columnar-json.ts); the
 * encoded bytes come back transferred, not copied.
 *
 * @example
 * const encoder = workerEncoder()
 * const db = await Database.open({ storage, wal, schema, encoder })
 */
export function workerEncoder(options: WorkerEncoderOptions = {}): WorkerEncoder {
  // The worker module sits beside this file, as .ts in the sources and .js once built.
  const entry = new URL(`./encode-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url).href
  const bootstrap = new URL('./encode-worker-entry.mjs', import.meta.url)
  const pending = new Map<number, { resolve: (value: EncodedParquet) => void; reject: (error: unknown) => void }>()
  let worker: Worker | undefined
  let nextId = 0

  function start(): Worker {
    const started = new Worker(bootstrap, { workerData: { entry }, execArgv: options.execArgv ?? [] })
    started.unref() // an idle encoder must not keep the process alive
    started.on('message', (reply: Reply) => {
      const waiting = pending.get(reply.id)
      if (!waiting) return
      pending.delete(reply.id)
      if (pending.size === 0) started.unref()
      if ('error' in reply) waiting.reject(new ParqueDBError(reply.error.code, reply.error.message, reply.error.details))
      else waiting.resolve({ ...reply.encoded, bytes: new Uint8Array(reply.encoded.bytes) })
    })
    const fail = (error: unknown) => {
      worker = undefined
      for (const waiting of pending.values()) waiting.reject(new ParqueDBError('STORAGE', `the Parquet encode worker failed: ${String(error)}`, {}, { cause: error }))
      pending.clear()
    }
    started.on('error', fail)
    started.on('exit', (code) => {
      if (pending.size > 0) fail(new Error(`exited with code ${code}`))
      worker = undefined
    })
    return started
  }

  const encode = (async (schema, rows, encodeOptions) => {
    const batch = encodeColumnarJson(schema, rows, { variantsAsText: true })
    worker ??= start()
    worker.ref()
    const id = nextId++
    const request: EncodeRequest = { id, schema, batch, options: encodeOptions }
    return new Promise<EncodedParquet>((resolve, reject) => {
      pending.set(id, { resolve, reject })
      worker?.postMessage(request)
    })
  }) as WorkerEncoder

  encode.close = async () => {
    const running = worker
    worker = undefined
    if (running) await running.terminate()
  }
  return encode
}
