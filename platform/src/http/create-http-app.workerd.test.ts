import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { DB, defineView } from '../index.ts'
import { createHttpApp } from './create-http-app.ts'

// The same app inside workerd, over an R2 binding: no node:* module, Web Crypto for the tokens.
describe('createHttpApp in workerd', () => {
  it('ingests, answers a view and checks bearer tokens', async () => {
    const db = DB({ Order: { total: 'double!', status: 'string!' }, Paid: defineView({ $from: 'Order', $filter: { status: 'paid' } }) }, { storage: { type: 'r2', bucket: env.BUCKET } })
    const token = 'workerd-token-0123456789'
    const app = createHttpApp(db, { tokens: [{ token, scopes: ['admin'] }] })
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
    expect((await app.request('/views/Paid')).status).toBe(401)
    expect((await app.request('/views/Paid', { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401)
    const ingest = await app.request('/collections/Order', { method: 'POST', headers, body: JSON.stringify([{ total: 5, status: 'paid' }, { total: 7, status: 'new' }]) })
    expect(ingest.status).toBe(201)
    const paid = (await (await app.request('/views/Paid', { headers })).json()) as { rows: { total: number }[]; meta: { servedFrom: string } }
    expect(paid.rows.map((row) => row.total)).toEqual([5])
    expect(paid.meta.servedFrom).toBe('view')
    await db.close()
  })
})
