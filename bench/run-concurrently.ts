/**
 * Feeds `items` to `workers`, each taking the next item as soon as its previous one resolves, so
 * exactly `workers.length` calls are in flight until the items run out (a server under load,
 * not a loop of sequential awaits).
 */
export async function runConcurrently<T>(items: readonly T[], workers: readonly ((item: T) => Promise<unknown>)[]): Promise<void> {
  let next = 0
  await Promise.all(
    workers.map(async (work) => {
      while (next < items.length) await work(items[next++] as T)
    }),
  )
}
