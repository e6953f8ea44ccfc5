import { fastifyCors } from '@fastify/cors';
import { fastifyHelmet } from '@fastify/helmet';
import type { FastifyHelmetOptions } from '@fastify/helmet';
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
 * Security headers on every answer (routes that set their own, like file downloads and the OAuth consent
 * page, keep theirs), and CORS for the origins listed in CORS_ORIGINS only. Call before routes are added.
 */
export async function applyBrowserPolicy(app: NestFastifyApplication, corsOrigins: string[]): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRoute', (route) => {
    if (route.url === DOCS_PATH || route.url.startsWith(`${DOCS_PATH}/`)) {
      route.config = {
        ...route.config,
        helmet: { contentSecurityPolicy: DOCS_POLICY },
      };
    }
  });
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: API_POLICY,
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // TLS is terminated in front of the server; HSTS belongs there, where the operator knows the domains.
    strictTransportSecurity: false,
  } satisfies FastifyHelmetOptions);
  // Registered even with no origin allowed, so a preflight is answered (204, without CORS headers), not 404.
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
