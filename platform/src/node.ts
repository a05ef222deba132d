/**
 * ParqueDB on Node: `import { serve } from 'parquedb/node'`. Kept apart from the main entry so
 * a Workers bundle never pulls in `node:*` modules.
 *
 * @example
 * const server = await serve(db, { port: 8787, log: console.log })
 */
export { serve, DEFAULT_PORT, type RunningServer, type ServeOptions } from './node/serve.ts'
