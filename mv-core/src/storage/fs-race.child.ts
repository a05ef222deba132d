// Child process for fs.test.ts: races another process over the same storage root.
// Prints 'ready'; then for every line read from stdin runs one round of its mode and prints
// one JSON result line. The parent sends each line to both children at once, so the rounds of
// the two processes start together.
import { createInterface } from 'node:readline'
import { ParqueDBError } from '../errors.ts'
import { fsStorage } from './fs.ts'

const [root, mode, nameArg, countText] = process.argv.slice(2)
if (root === undefined || mode === undefined || nameArg === undefined || countText === undefined) {
  throw new Error('usage: fs-race.child.ts <root> <create|increment> <name> <count>')
}
const name: string = nameArg
const count = Number(countText)
const storage = fsStorage({ root })

async function createAll(round: number): Promise<string[]> {
  const won: string[] = []
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const key = `race/${round}/${String(i).padStart(3, '0')}`
      try {
        await storage.put(key, name, { ifNoneMatch: '*' })
        won.push(key)
      } catch (error) {
        if (!ParqueDBError.isInstance(error, 'PRECONDITION_FAILED')) throw error
      }
    }),
  )
  return won.sort()
}

async function incrementAll(): Promise<number> {
  let conflicts = 0
  for (let done = 0; done < count; ) {
    const head = await storage.head('counter')
    const bytes = await storage.get('counter')
    if (head === undefined || bytes === undefined) throw new Error('counter missing')
    const value = Number(new TextDecoder().decode(bytes))
    try {
      await storage.put('counter', String(value + 1), { ifMatch: head.etag })
      done++
    } catch (error) {
      if (!ParqueDBError.isInstance(error, 'PRECONDITION_FAILED')) throw error
      conflicts++
    }
  }
  return conflicts
}

process.stdout.write('ready\n')
let round = 0
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'end') break
  const result = mode === 'create' ? { won: await createAll(round++) } : { conflicts: await incrementAll() }
  process.stdout.write(`${JSON.stringify(result)}\n`)
}
