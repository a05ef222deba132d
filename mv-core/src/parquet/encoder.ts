import type { CollectionSchema, Row } from '../schema/types.ts'
import { encodeParquet, type EncodedParquet, type EncodeOptions } from './encode.ts'

/**
 * Where flushes encode Parquet. Encoding is CPU-heavy and off the acknowledgement path, so a
 * runtime with spare cores can move it elsewhere (Node: `workerEncoder` from
 * '@parquedb/mv-core/fs'); the default encodes in the calling thread.
 */
export type ParquetEncoder = (schema: CollectionSchema, rows: readonly Row[], options: EncodeOptions) => Promise<EncodedParquet>

/** Encodes in the calling thread. */
export const inProcessEncoder: ParquetEncoder = async (schema, rows, options) => encodeParquet(schema, rows, options)
