import type { Compressors } from 'hyparquet'

let loading: Promise<Compressors | undefined> | undefined

/**
 * hyparquet-compressors' decompressors (GZIP, BROTLI, ZSTD, LZ4, and a faster wasm SNAPPY), loaded
 * on first use. Imported lazily because that package compiles WebAssembly when it is evaluated,
 * which Cloudflare Workers forbid ("Wasm code generation disallowed by embedder"): a static import
 * would stop the whole Worker from starting. Where it cannot load this resolves to undefined and
 * hyparquet's built-in JS SNAPPY is used — enough for every file ParqueDB writes.
 *
 * @example
 * await parquetRead({ file, compressors: await readCompressors() })
 */
export function readCompressors(): Promise<Compressors | undefined> {
  loading ??= import('hyparquet-compressors').then(
    module => module.compressors,
    () => undefined,
  )
  return loading
}
