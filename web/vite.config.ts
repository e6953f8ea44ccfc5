import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

/** Where `npm run dev:web` sends API and socket calls: a server started with `npm start`. */
const apiTarget = process.env.JOKKAER_API_URL ?? 'http://localhost:3000';

export default defineConfig({
  plugins: [react()],
  build: {
    // Vite's module-preload polyfill is an inline script, which the server's CSP forbids (and browsers need no longer).
    modulePreload: { polyfill: false },
    // No base64-inlined assets: every file is served, hashed, from /assets.
    assetsInlineLimit: 0,
  },
  server: {
    proxy: {
      '/api': { target: apiTarget, ws: true },
      '/health': apiTarget,
    },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test-setup.ts'],
  },
});
