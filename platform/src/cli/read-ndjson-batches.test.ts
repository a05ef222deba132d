import { describe, expect, it } from 'vitest'
import { readNdjsonBatches } from './read-ndjson-batches.ts'

async function collect(chunks: (string | Uint8Array)[], batchSize: number) {
  const batches = []
  async function* source() {
    yield* chunks
  }
  for await (const batch of readNdjsonBatches(source(), batchSize)) batches.push(batch)
  return batches
}

describe('readNdjsonBatches', () => {
  it('batches objects with their line numbers across chunk boundaries, even inside a character', async () => {
    const bytes = new TextEncoder().encode('{"a":1}\r\n\n{"a":"é"}\n[1]\n{"a":3}\n{"a":4}')
    const cut = bytes.indexOf(0xc3) + 1 // between the two bytes of é
    const batches = await collect([bytes.slice(0, cut), bytes.slice(cut)], 2)
    expect(batches.map((batch) => batch.rows)).toEqual([
      [{ line: 1, row: { a: 1 } }, { line: 3, row: { a: 'é' } }],
      [{ line: 5, row: { a: 3 } }, { line: 6, row: { a: 4 } }],
    ])
    expect(batches.flatMap((batch) => batch.invalid)).toEqual([{ line: 4, reason: 'expected a JSON object, got an array' }])
    expect(batches.at(-1)!.bytesRead).toBe(bytes.byteLength)
  })

  it('reports lines that are not JSON without stopping', async () => {
    const [batch] = await collect(['{"a":1}\n{oops\n'], 10)
    expect(batch!.rows).toEqual([{ line: 1, row: { a: 1 } }])
    expect(batch!.invalid).toEqual([{ line: 2, reason: expect.stringMatching(/^not valid JSON \(/) }])
  })
})
