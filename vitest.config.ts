import { defineConfig } from 'vitest/config'

// One `vitest run` runs both projects: Node tests, and *.workerd.test.ts inside workerd.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          include: ['{mv-core,platform,test,deploy,integrations,views-catalog}/**/*.test.ts'],
          exclude: ['**/*.workerd.test.ts', '**/node_modules/**'],
        },
      },
      './vitest.workerd.config.ts',
    ],
  },
})
