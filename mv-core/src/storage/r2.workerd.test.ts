import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { describeStorageDriver } from './driver-suite.ts'
import { r2Storage, type R2BucketLike } from './r2.ts'

// Typed through R2BucketLike on purpose: a real R2Bucket binding must be assignable to it.
const bucket: R2BucketLike = env.BUCKET

async function emptyBucket(): Promise<void> {
  for (;;) {
    const page = await bucket.list({ limit: 1000 })
    if (page.objects.length === 0) return
    await bucket.delete(page.objects.map((o) => o.key))
  }
}

describeStorageDriver('r2 (workerd)', async () => {
  await emptyBucket()
  return r2Storage({ bucket })
})

describe('r2Storage in workerd', () => {
  it('runs against the workerd R2 binding, not a stand-in', () => {
    expect(typeof WebSocketPair).toBe('function')
    expect((globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent).toBe('Cloudflare-Workers')
    expect(Object.prototype.toString.call(bucket)).toContain('R2Bucket')
  })

  it('keeps the etag when identical bytes are rewritten (R2 etags are MD5s)', async () => {
    await emptyBucket()
    const storage = r2Storage({ bucket })
    const first = await storage.put('same', 'bytes')
    const second = await storage.put('same', 'bytes')
    expect(second.etag).toBe(first.etag)
  })
})
