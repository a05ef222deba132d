// Child process for fs.test.ts: replays the log, prints "start <count>", then appends records
// with increasing ids forever, printing each id once its append has resolved (is durable).
import { fsWal } from './fs.ts'

const [root, table] = process.argv.slice(2)
if (root === undefined || table === undefined) throw new Error('usage: fs-kill.child.ts <root> <table>')

const log = await fsWal({ root })(table)
let next = (await log.replay()).length
process.stdout.write(`start ${next}\n`)

const encoder = new TextEncoder()
function record(id: number): Uint8Array {
  // Sizes vary up to ~64 KB so a kill can land in the middle of a large write.
  const pad = 'x'.repeat((id * 7919) % 65_536)
  return encoder.encode(JSON.stringify({ id, pad }))
}

async function writer(): Promise<never> {
  for (;;) {
    const id = next++
    await log.append(record(id))
    process.stdout.write(`${id}\n`)
  }
}

await Promise.all(Array.from({ length: 32 }, () => writer()))
