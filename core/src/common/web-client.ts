import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fastifyStatic } from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { setWebClientSecurityHeaders } from './browser-policy';
import type { ProblemFilter } from './problem.filter';

/** Where `npm run build` writes the browser client (web/), from core/dist/common or core/src/common. */
export const WEB_CLIENT_DIR = path.resolve(__dirname, '../../../web/dist');

/**
 * Paths the client's router owns (web/src/app/routes.tsx): a reload or a shared link there gets the app. Listed
 * rather than caught all, so an unknown /api path still answers a problem+json 404. `/index.html` is the page
 * the service worker precaches for all of them.
 */
export const CLIENT_ROUTES = ['/', '/index.html', '/signin', '/signup', '/invite/*', '/w/*'];

/**
 * The server's own pages and API: an unknown path under these stays the server's problem+json 404, never the
 * app. The service worker keeps the same paths from the app (navigateFallbackDenylist in web/vite.config.ts).
 */
const SERVER_PATHS = /^\/(api|health|hooks|oauth|reset-password|metrics)(\/|$)/;

/** Vite names these files by their content hash: they never change, so browsers may keep them for a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

const NOT_BUILT_PAGE =
  '<!doctype html><html lang="en"><meta charset="utf-8"><title>Jōkkær</title>' +
  '<h1>The web client is not built</h1><p>Run <code>npm run build</code> (or <code>npm start</code>), then reload.</p></html>';

/**
 * Serves the browser client at `/` under its own CSP: hashed assets cached immutably, index.html revalidated on
 * every load so a new release is picked up. Without a build, its routes answer 503 with a page saying so.
 * Any other page a browser opens (a mistyped or outdated link) gets the app with a 404, and the app says in its
 * own look that the page does not exist, as the installed app does offline (`problems` answers the rest).
 */
export async function serveWebClient(
  app: NestFastifyApplication,
  problems: ProblemFilter,
  dir = WEB_CLIENT_DIR,
): Promise<void> {
  const built = existsSync(path.join(dir, 'index.html'));
  if (built) {
    problems.answerRouteNotFound((request, reply) => {
      const page =
        request.method === 'GET' &&
        request.headers.accept?.includes('text/html') === true &&
        !SERVER_PATHS.test(request.url);
      if (page) {
        setWebClientSecurityHeaders(request.raw, reply.raw);
        void readFile(path.join(dir, 'index.html')).then(
          (html) =>
            reply.code(404).header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(html),
          (error: Error) => reply.send(error),
        );
      }
      return page;
    });
  }
  await app.register(async (instance: FastifyInstance) => {
    instance.addHook('onRoute', (route) => {
      // The security-headers hook reads a route's policy from its config when the request comes.
      route.config = Object.assign(route.config ?? {}, { webClient: true });
    });
    if (!built) {
      for (const url of CLIENT_ROUTES) {
        instance.get(url, (_request, reply) =>
          reply.code(503).type('text/html; charset=utf-8').send(NOT_BUILT_PAGE),
        );
      }
      return;
    }
    // Hashed bundles: any name under /assets (a rebuild adds new ones while the server runs). This instance's
    // sendFile also answers index.html, which must be revalidated.
    const assetsDir = path.join(dir, 'assets') + path.sep;
    await instance.register(fastifyStatic, {
      root: path.join(dir, 'assets'),
      prefix: '/assets/',
      index: false,
      cacheControl: false,
      setHeaders: (reply, filePath) =>
        void reply.header('cache-control', filePath.startsWith(assetsDir) ? IMMUTABLE : 'no-cache'),
    });
    // Files at the top (icons): routes for those present at start, so anything else falls through to the 404.
    await instance.register(fastifyStatic, {
      root: dir,
      wildcard: false,
      globIgnore: ['assets/**', 'index.html'],
      index: false,
      decorateReply: false,
      cacheControl: false,
      setHeaders: (reply) => void reply.header('cache-control', 'no-cache'),
    });
    const sendIndex = (_request: unknown, reply: FastifyReply) => reply.sendFile('index.html', dir);
    for (const url of CLIENT_ROUTES) instance.get(url, sendIndex);
  });
}
