import { normalizeIP } from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';

/**
 * The client as limits see it: its address, or its /64 for IPv6 (one subscriber's allocation, which it
 * could otherwise walk through to escape any per-address limit).
 */
export const clientAddress = (request: FastifyRequest): string => normalizeIP(request.ip);
