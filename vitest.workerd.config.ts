import { cloudflareTest } from '@cloudflare/vitest-pool-workers'
import { defineConfig } from 'vitest/config'

// Miniflare and wrangler must not phone home from test runs.
process.env.WRANGLER_SEND_METRICS ??= 'false'

// Tests named *.workerd.test.ts run inside workerd (Miniflare) with a local R2 bucket bound as BUCKET.
export default defineConfig({
  plugins: [
    cloudflareTest({
      miniflare: {
        compatibilityDate: '2026-04-01',
        compatibilityFlags: ['nodejs_compat'],
        r2Buckets: ['BUCKET'],
      },
    }),
  ],
  test: {
    name: 'workerd',
    include: ['{mv-core,platform,test,deploy,integrations,views-catalog}/**/*.workerd.test.ts'],
    exclude: ['**/node_modules/**'],
  },
})
