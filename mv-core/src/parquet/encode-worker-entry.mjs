// Worker thread entry for workerEncoder. Plain JavaScript so that Node can start it as is: when
// the engine runs from its TypeScript sources (development, tests), it first registers the tsx
// loader in this thread, since Node 20 does not carry loaders over to workers.
import { workerData } from 'node:worker_threads'

if (workerData.entry.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api')
  register()
}
await import(workerData.entry)
