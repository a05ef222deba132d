import type { StorageDriver } from './types.ts'

/**
 * A storage for fault tests: puts of keys that `matches` accepts fail while `failing.on` is
 * set ("disk full writing <key>"); everything else goes to `inner`.
 *
 * @example
 * const { storage, failing } = failingPuts(memoryStorage(), (key) => key.startsWith('_views/Daily/'))
 * failing.on = true
 */
export function failingPuts(inner: StorageDriver, matches: (key: string) => boolean): { storage: StorageDriver; failing: { on: boolean } } {
  const failing = { on: false }
  const storage: StorageDriver = {
    name: inner.name,
    get: (key) => inner.get(key),
    getRange: (key, offset, length) => inner.getRange(key, offset, length),
    head: (key) => inner.head(key),
    list: (prefix) => inner.list(prefix),
    delete: (key) => inner.delete(key),
    put: async (key, data, options) => {
      if (failing.on && matches(key)) throw new Error(`disk full writing ${key}`)
      return inner.put(key, data, options)
    },
  }
  return { storage, failing }
}
