import { defineConfig } from 'vitest/config';

/**
 * `npm run test:live`: the opt-in smoke tests against the providers' real test environments
 * (test/live/). Apart from `npm test`, which never reaches the internet: without credentials in the
 * environment every test here is reported as skipped.
 */
export default defineConfig({
  test: {
    include: ['test/live/**/*.live.ts'],
    testTimeout: 60_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
