import { defineConfig } from 'vitest/config';

/**
 * `npm run test:unit`: the tests that need no platform (domain rules, use cases on in-memory ports,
 * connectors' pure parts) — no DynamoDB Local, no global setup; seconds, not minutes. `npm test`
 * runs these too, with everything else.
 */
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    env: { POWERTOOLS_LOG_LEVEL: 'SILENT', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
