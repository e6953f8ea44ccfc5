import { createReadStream, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { defineConfig } from 'vitest/config';

/** Where `npm run dev:web` sends API and socket calls: a server started with `npm start`. */
const apiTarget = process.env.JOKKAER_API_URL ?? 'http://localhost:3000';

const require = createRequire(import.meta.url);
const emojibaseVersion = (require('emojibase-data/package.json') as { version: string }).version;
/** Versioned, so the server may cache the files for good like the hashed bundles beside them. */
const EMOJIBASE_BASE = `/assets/emojibase-${emojibaseVersion}`;
const EMOJIBASE_FILES = ['en/data.json', 'en/messages.json', 'fr/data.json', 'fr/messages.json'];

/**
 * The emoji picker's data (Emojibase), served from our own origin at EMOJIBASE_BASE: the CSP forbids a CDN, and
 * the picker fetches it only when first opened.
 */
function emojibaseData(): Plugin {
  return {
    name: 'jokkaer-emojibase-data',
    generateBundle() {
      for (const file of EMOJIBASE_FILES) {
        this.emitFile({
          type: 'asset',
          fileName: `${EMOJIBASE_BASE.slice(1)}/${file}`,
          source: readFileSync(require.resolve(`emojibase-data/${file}`)),
        });
      }
    },
    configureServer(server) {
      server.middlewares.use(EMOJIBASE_BASE, (request, response, next) => {
        const file = request.url?.slice(1).split('?')[0] ?? '';
        if (!EMOJIBASE_FILES.includes(file)) return next();
        response.setHeader('content-type', 'application/json');
        createReadStream(require.resolve(`emojibase-data/${file}`)).pipe(response);
      });
    },
  };
}

/** The server's own pages (OAuth consent, password reset) link this one stylesheet: the client's look, no bundle. */
const SERVER_PAGES_STYLESHEET = 'server-pages.css';
const SERVER_PAGES_SOURCES = ['tokens.css', 'base.css', 'server-pages.css'];

/**
 * Joins the design tokens, the base styles and the pages' own into /server-pages.css, a file at a fixed address
 * that core's server-rendered pages link (their CSP allows this origin's stylesheets only).
 */
function serverPagesStylesheet(): Plugin {
  const source = () =>
    SERVER_PAGES_SOURCES.map((file) =>
      readFileSync(new URL(`src/app/${file}`, import.meta.url), 'utf8').replace(/^@import .*$/gm, ''),
    ).join('\n');
  return {
    name: 'jokkaer-server-pages-stylesheet',
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: SERVER_PAGES_STYLESHEET, source: source() });
    },
  };
}

export default defineConfig({
  plugins: [
    react(),
    emojibaseData(),
    serverPagesStylesheet(),
    // The installable app: a web manifest, and a service worker (Workbox) that precaches the app shell so it opens
    // offline. It registers from an external /registerSW.js (the CSP allows no inline script); the server serves
    // sw.js and the manifest uncached (core/src/common/web-client.ts).
    VitePWA({
      injectRegister: 'script',
      registerType: 'autoUpdate',
      manifest: {
        name: 'Jōkkær',
        short_name: 'Jōkkær',
        description: 'Team chat',
        id: '/',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        theme_color: '#3451c7',
        background_color: '#ffffff',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
        // Web Push: the notification shown with the tab closed, and its click (public/push-handler.js).
        importScripts: ['/push-handler.js'],
        // Any of the client's routes opens the cached shell; the server's own pages and API never do.
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [
          /^\/api\//,
          /^\/health/,
          /^\/hooks\//,
          /^\/oauth\//,
          /^\/reset-password/,
          /^\/metrics/,
        ],
      },
    }),
  ],
  define: { __EMOJIBASE_BASE__: JSON.stringify(EMOJIBASE_BASE) },
  resolve: {
    alias: {
      // The validation rules the server and the SDK share (import-free), so each lives in one place.
      '@jokkaer/sdk-plugin/rules': fileURLToPath(new URL('../sdk-plugin/src/rules.ts', import.meta.url)),
    },
  },
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
