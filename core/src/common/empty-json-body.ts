import type { FastifyInstance } from 'fastify';

const JSON_TYPE = /^application\/json\s*(;|$)/i;

/**
 * Takes a request with a JSON content type and no body (`Content-Length: 0`, or neither it nor
 * `Transfer-Encoding`) as a request without a body, which Fastify would refuse as empty JSON: HTTP helpers and
 * SDKs that set the content type on every call send it for actions that take no body (join a channel, accept an
 * invite). A route that needs a body still says so, naming the missing fields (ValidationGuard).
 */
export function acceptEmptyJsonBodies(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, _reply, done) => {
    const { headers } = request;
    const length = headers['content-length'];
    const bodiless = headers['transfer-encoding'] === undefined && (length === undefined || length === '0');
    if (bodiless && JSON_TYPE.test(headers['content-type'] ?? '')) {
      delete headers['content-type'];
    }
    done();
  });
}
