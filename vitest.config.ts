import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    env: { AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING: '1', POWERTOOLS_DEV: 'false' },
  },
});
