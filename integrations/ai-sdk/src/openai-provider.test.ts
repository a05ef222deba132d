import { createOpenAI } from '@ai-sdk/openai'
import { generateText, wrapLanguageModel } from 'ai'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { DB } from 'parquedb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { aiSdk, costOf, createParqueDBMiddleware } from './index.ts'

const BASE_URL = 'https://openai.test/v1'
const requestsSeen: unknown[] = []

// Stands in for the remote API only: the real provider builds the request and parses this reply.
const server = setupServer(
  http.post(`${BASE_URL}/responses`, async ({ request }) => {
    requestsSeen.push(await request.json())
    return HttpResponse.json({
      id: 'resp_1',
      object: 'response',
      created_at: 1_736_000_000,
      status: 'completed',
      model: 'gpt-4o-2024-08-06',
      output: [{ type: 'message', id: 'msg_1', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Hello from OpenAI', annotations: [] }] }],
      incomplete_details: null,
      usage: { input_tokens: 2000, input_tokens_details: { cached_tokens: 1500 }, output_tokens: 25, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 2025 },
    })
  }),
)

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())

describe('through the real @ai-sdk/openai provider', () => {
  it('records the call as OpenAI reported it', async () => {
    const db = DB({}, { storage: { type: 'memory' }, plugins: [aiSdk()] })
    try {
      const openai = createOpenAI({ baseURL: BASE_URL, apiKey: 'test-key' })
      const middleware = createParqueDBMiddleware({ db })
      const model = wrapLanguageModel({ model: openai('gpt-4o'), middleware })
      const result = await generateText({ model, prompt: 'Hello!' })
      expect(result.text).toBe('Hello from OpenAI')
      expect(requestsSeen).toHaveLength(1)
      await middleware.flush()
      const [request] = await db.AIRequests.find({})
      expect(request).toMatchObject({ modelId: 'gpt-4o', providerId: 'openai.responses', requestType: 'generate', inputTokens: 2000, cacheReadTokens: 1500, outputTokens: 25, tokens: 2025, finishReason: 'stop', cached: true, error: null })
      // 500 uncached input tokens at $2.50/M, 1500 cached at $1.25/M, 25 output at $10/M.
      expect(request?.costUsd).toBeCloseTo((500 * 2.5 + 1500 * 1.25 + 25 * 10) / 1e6, 12)
      expect(request?.costUsd).toBe(costOf({ modelId: 'gpt-4o', providerId: 'openai.responses', inputTokens: 2000, cacheReadTokens: 1500, outputTokens: 25 }))
      expect(await db.Generations.find({})).toMatchObject([{ modelId: 'gpt-4o', contentType: 'text', content: 'Hello from OpenAI', tokens: 25 }])
    } finally {
      await db.close()
    }
  })
})
