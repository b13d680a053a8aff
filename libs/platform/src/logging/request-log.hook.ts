import type { FastifyInstance } from 'fastify';

// probes are not requests anyone needs a line for
const UNLOGGED = new Set(['/health', '/metrics']);

/**
 * One line per request, when the response is sent: `GET /api/v1/products 200 3ms` at info,
 * `... 500` at error, with `request_id`, method, path (never the query) and status.
 */
export function registerRequestLog(fastify: FastifyInstance): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const path = request.url.split('?')[0];
    if (UNLOGGED.has(path)) return done();
    const status = reply.statusCode;
    const responseTime = Math.round(reply.elapsedTime);
    const fields = {
      request_id: request.id,
      // shaped by the logger's req/res serializers: method and path, status code
      req: request,
      res: reply,
      responseTime,
    };
    if (status >= 500) {
      fastify.log.error(fields, `${request.method} ${path} ${status}`);
    } else {
      fastify.log.info(fields, `${request.method} ${path} ${status} ${responseTime}ms`);
    }
    done();
  });
}
