import type { ModelFinishReason, ModelStreamPart, ModelUsage } from './types.ts'

/** How a stream ended, for the record; exactly one per stream. */
export interface StreamOutcome {
  readonly endedAt: number
  readonly firstTokenAt: number | undefined
  readonly text: string
  readonly usage: ModelUsage | undefined
  readonly finishReason: ModelFinishReason | undefined
  /** An `error` part, a failing source, or the abort reason. */
  readonly error: unknown
  readonly aborted: boolean
}

/** The parts that carry output: the first of them marks the time to first token. */
const OUTPUT_PARTS = new Set(['text-delta', 'reasoning-delta', 'tool-input-start', 'tool-call', 'file', 'source'])

/**
 * The same stream, part for part (the very objects, in order, pulled on demand), observed on the
 * way: text, first-token time, the finish part's usage. `onEnd` runs once, when the stream
 * closes, errors, is cancelled by its reader, or the call's AbortSignal fires.
 */
export function recordedStream<Part>(source: ReadableStream<Part>, signal: AbortSignal | undefined, onEnd: (outcome: StreamOutcome) => void): ReadableStream<Part> {
  const reader = source.getReader()
  let firstTokenAt: number | undefined
  let text = ''
  let usage: ModelUsage | undefined
  let finishReason: ModelFinishReason | undefined
  let partError: unknown
  let ended = false

  const end = (error: unknown, aborted: boolean) => {
    if (ended) return
    ended = true
    signal?.removeEventListener('abort', onAbort)
    onEnd({ endedAt: performance.now(), firstTokenAt, text, usage, finishReason, error, aborted })
  }
  const onAbort = () => end(signal?.reason, true)
  if (signal?.aborted) onAbort()
  else signal?.addEventListener('abort', onAbort, { once: true })

  const observe = (part: ModelStreamPart) => {
    if (firstTokenAt === undefined && OUTPUT_PARTS.has(part.type)) firstTokenAt = performance.now()
    if (part.type === 'text-delta') text += (part as Extract<ModelStreamPart, { type: 'text-delta' }>).delta
    else if (part.type === 'finish') {
      const finish = part as Extract<ModelStreamPart, { type: 'finish' }>
      usage = finish.usage
      finishReason = finish.finishReason
    } else if (part.type === 'error') partError = (part as Extract<ModelStreamPart, { type: 'error' }>).error
  }

  return new ReadableStream<Part>({
    async pull(controller) {
      let next: Awaited<ReturnType<typeof reader.read>>
      try {
        next = await reader.read()
      } catch (error) {
        end(error, signal?.aborted ?? false)
        controller.error(error)
        return
      }
      if (next.done) {
        end(partError, false)
        controller.close()
        return
      }
      if (!ended) observe(next.value as ModelStreamPart)
      controller.enqueue(next.value)
    },
    async cancel(reason) {
      end(reason, true)
      await reader.cancel(reason)
    },
  })
}
