// `npm start`: the Node server on ./data with the built-in integrations (tail, ai-sdk, evalite,
// otel) and a demo load feeding them, until Ctrl-C (which flushes and exits cleanly).
import { resolve } from 'node:path'
import { DB } from 'parquedb'
import { serve } from 'parquedb/node'
import { demoLoad } from './demo-load.ts'
import { demoPlugins } from './demo-plugins.ts'

const dataDir = resolve(process.env.PARQUEDB_DATA ?? './data')
const port = Number(process.env.PORT ?? 8787)
const tailPerSecond = Number(process.env.DEMO_EVENTS_PER_SECOND ?? 200)
const TICK_MS = 100

const db = DB({}, { storage: { type: 'fs', path: dataDir }, plugins: demoPlugins })
await db.ready()
const server = await serve(db, { port, log: (line) => console.log(line) }).catch(async (error: unknown) => {
  await db.close()
  const inUse = (error as { code?: string }).code === 'EADDRINUSE' || String(error).includes('EADDRINUSE')
  console.error(inUse ? `port ${port} is in use: stop what holds it, or start with PORT=<another port> npm start` : String(error))
  process.exit(1)
})

console.log(`ParqueDB is running on ${dataDir}`)
console.log(`  API        ${server.url}/openapi.json`)
console.log(`  views      ${server.url}/views`)
console.log(`  errors     ${server.url}/views/WorkerErrors?limit=20`)
console.log(`  endpoints  ${server.url}/views/EndpointMetrics?sort=-hour&limit=20`)
console.log(`  AI usage   ${server.url}/views/DailyAIUsage`)
console.log(`  evals      ${server.url}/views/EvalTrends`)
console.log(`  OTLP       ${server.url}/v1/traces (OTEL_EXPORTER_OTLP_ENDPOINT=${server.url}, protocol http/json)`)
console.log(tailPerSecond > 0 ? `Demo load: ${tailPerSecond} tail events/s, AI requests and eval runs. Ctrl-C to stop.` : 'No demo load (DEMO_EVENTS_PER_SECOND=0). Ctrl-C to stop.')

const load = demoLoad({ tailPerSecond, seed: Date.now() % 2 ** 31 })
let written = 0
let inFlight: Promise<unknown> = Promise.resolve()
const timer =
  tailPerSecond > 0
    ? setInterval(() => {
        // One tick at a time: a slow disk delays the load instead of piling writes up.
        inFlight = inFlight.then(async () => {
          const tick = load.next(new Date(), TICK_MS / 1000)
          await Promise.all([
            tick.tail.length > 0 ? db.TailEvents.bulkCreate(tick.tail) : undefined,
            tick.ai.length > 0 ? db.AIRequests.bulkCreate(tick.ai as never) : undefined,
            tick.evals.length > 0 ? db.EvalScores.bulkCreate(tick.evals as never) : undefined,
          ])
          written += tick.tail.length + tick.ai.length + tick.evals.length
        })
      }, TICK_MS)
    : undefined

let stopping = false
async function stop(signal: string): Promise<void> {
  if (stopping) return
  stopping = true
  console.log(`\n${signal}: stopping the load, flushing and closing (${written.toLocaleString()} rows written this run)`)
  if (timer) clearInterval(timer)
  await inFlight.catch(() => undefined)
  await server.close()
  await db.close()
  console.log('closed cleanly')
  process.exit(0)
}
process.on('SIGINT', () => void stop('SIGINT'))
process.on('SIGTERM', () => void stop('SIGTERM'))
