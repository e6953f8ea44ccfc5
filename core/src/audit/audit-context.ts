import type { FastifyInstance } from 'fastify';
import type { AuthenticatedRequest } from '../common/auth-context';
import { ContextSlot } from '../common/context-slot';

/** The HTTP request a change is made in, so the audit log names its caller without threading it through services. */
const requests = new ContextSlot<AuthenticatedRequest>('request');

export const currentRequest = (): AuthenticatedRequest | undefined => requests.get();

/**
 * Runs each route (Nest's guards, where AuthGuard and SSO sign-in run, and its handler) with its request in
 * reach of AuditService. Fastify calls the route right after the last preHandler hook's `done`.
 */
export function keepRequestInContext(fastify: FastifyInstance): void {
  fastify.addHook('preHandler', (request, _reply, done) => requests.run(request, done));
}
