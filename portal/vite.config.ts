import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The Business Portal: a static SPA. Built to portal/dist, served by the local gateway (`npm start`)
 * and by S3 + CloudFront in AWS. Runtime settings come from /config.json, so one build serves every
 * deployment and the bundle holds no secrets.
 */
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  // Cognito's client library bundles the `buffer` polyfill, which reads Node's `global`.
  define: { global: 'globalThis' },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 400 },
  server: { proxy: { '/portal-api': 'http://127.0.0.1:3000', '/config.json': 'http://127.0.0.1:3000' } },
});
