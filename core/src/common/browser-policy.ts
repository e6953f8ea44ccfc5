import { fastifyCors } from '@fastify/cors';
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';
import type { HelmetOptions } from 'helmet';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/** Where Swagger UI is served; its page is the only one that runs scripts of its own origin. */
export const DOCS_PATH = '/api/docs';

const NONE = ["'none'"];

/** JSON answers render nothing: no sources at all, and nothing may frame them. */
const API_POLICY = {
  useDefaults: false,
  directives: { defaultSrc: NONE, frameAncestors: NONE, baseUri: NONE, formAction: NONE },
};

/**
 * Swagger UI: its scripts and stylesheet from this origin, the inline styles its page and React set, icons
 * as data: URIs, the API itself for "Try it out"; never framed.
 */
const DOCS_POLICY = {
  useDefaults: false,
  directives: {
    defaultSrc: NONE,
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    frameAncestors: NONE,
    baseUri: NONE,
    formAction: NONE,
  },
};

/**
 * The browser client (web/dist): its own scripts and stylesheets only, never inline script; the API and the
 * realtime socket on this origin; images from here, object URLs of files being uploaded and data: URIs.
 */
const WEB_CLIENT_POLICY = {
  useDefaults: false,
  directives: {
    defaultSrc: NONE,
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'blob:', 'data:'],
    fontSrc: ["'self'"],
    connectSrc: ["'self'", 'ws:', 'wss:'],
    manifestSrc: ["'self'"],
    workerSrc: ["'self'"],
    frameAncestors: NONE,
    baseUri: NONE,
    formAction: NONE,
  },
};

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route answers the browser client's pages (see web-client.ts): they get its policy. */
    webClient?: boolean;
  }
}

/**
 * The headers of every page (Swagger UI, the browser client); routes that set their own (file downloads, the
 * consent page) keep theirs.
 */
const PAGE_HEADERS = {
  frameguard: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
  // TLS is terminated in front of the server; HSTS belongs there, where the operator knows the domains.
  strictTransportSecurity: false,
} satisfies HelmetOptions;

/**
 * JSON answers: what protects a response that is not a page (no sniffing, no framing, no rendering, not
 * readable cross-origin, no referrer, no Adobe cross-domain policy). Helmet's headers that only a page acts on
 * (opener isolation, origin-keyed agent clusters, DNS prefetching, IE's download and XSS switches) are left
 * out: every header is work on every answer, and these would do nothing.
 */
const API_HEADERS = {
  ...PAGE_HEADERS,
  contentSecurityPolicy: API_POLICY,
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xXssProtection: false,
} satisfies HelmetOptions;

type SecurityHeaders = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * Helmet's headers for one policy, worked out once: none depends on the request (no nonces), and helmet
 * would build the Content-Security-Policy text again for every answer.
 */
function securityHeaders(options: HelmetOptions): SecurityHeaders {
  const headers: [string, string][] = [];
  const removed: string[] = [];
  const recorder = {
    setHeader: (name: string, value: unknown) => headers.push([name, String(value)]),
    removeHeader: (name: string) => removed.push(name),
  };
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, () => {});
  return (_request, response) => {
    for (const name of removed) response.removeHeader(name);
    for (const [name, value] of headers) response.setHeader(name, value);
  };
}

/** For answers Fastify gives before any hook runs (see framework-errors.ts): the same headers, set directly. */
export const setSecurityHeaders = securityHeaders(API_HEADERS);
const setDocsSecurityHeaders = securityHeaders({ ...PAGE_HEADERS, contentSecurityPolicy: DOCS_POLICY });
export const setWebClientSecurityHeaders = securityHeaders({
  ...PAGE_HEADERS,
  contentSecurityPolicy: WEB_CLIENT_POLICY,
});

const isDocsRoute = (url: string | undefined) =>
  url !== undefined && (url === DOCS_PATH || url.startsWith(`${DOCS_PATH}/`));

/**
 * Security headers and the request id on every answer (one hook: each hook is work on every request), and
 * CORS for the origins in CORS_ORIGINS only. Call before routes are added.
 */
export async function applyBrowserPolicy(app: NestFastifyApplication, corsOrigins: string[]): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  // Helmet itself rather than @fastify/helmet, which builds helmet's middleware anew on every request.
  fastify.addHook('onRequest', (request, reply, done) => {
    const { url, config } = request.routeOptions;
    const setHeaders = config?.webClient
      ? setWebClientSecurityHeaders
      : isDocsRoute(url)
        ? setDocsSecurityHeaders
        : setSecurityHeaders;
    setHeaders(request.raw, reply.raw);
    reply.raw.setHeader('x-request-id', request.id);
    done();
  });
  if (corsOrigins.length === 0) {
    // No origin may read the API: no CORS hook on every request, but a preflight is still answered (204,
    // without CORS headers), not 404, as @fastify/cors answers an origin it does not list.
    fastify.options('*', (_request, reply) => reply.code(204).send());
    return;
  }
  await app.register(fastifyCors, {
    origin: corsOrigins,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    exposedHeaders: ['x-request-id', 'retry-after', 'content-disposition', 'location'],
    // Bearer tokens, never cookies: credentials mode stays off.
    credentials: false,
    strictPreflight: false,
    maxAge: 600,
  });
}
