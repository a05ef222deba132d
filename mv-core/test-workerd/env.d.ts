// Bindings the workerd test project (vitest.workerd.config.ts) gives every test.
declare namespace Cloudflare {
  interface Env {
    BUCKET: R2Bucket
  }
}
