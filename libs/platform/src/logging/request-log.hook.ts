import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { REQUEST_LINES, type RequestLineFields, type RequestLineSink } from './request-line';

// probes are not requests anyone needs a line for
const UNLOGGED = new Set(['/health', '/metrics']);

/**
 * One line per request, when the response is sent: `GET /api/v1/products 200 3ms` at info,
 * `... 500` at error, with `request_id`, method, path (never the query) and status. Written
 * through the logger's request-line sink (request-line.ts) when it has one (a createLogger
 * logger), else through pino with the same fields.
 */
export function registerRequestLog(fastify: FastifyInstance): void {
  // Fastify's child of the service's pino logger (createLogger)
  const log = fastify.log as unknown as Logger;
  const sink = (log as unknown as { [REQUEST_LINES]?: RequestLineSink })[REQUEST_LINES];
  const write = sink ?? pinoLine(fastify);
  fastify.addHook('onResponse', (request, reply, done) => {
    const path = pathOf(request.url);
    if (UNLOGGED.has(path)) return done();
    const level = reply.statusCode >= 500 ? 'error' : 'info';
    if (log.isLevelEnabled(level)) write(level, fieldsOf(request, reply, path));
    done();
  });
}

function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

function fieldsOf(request: FastifyRequest, reply: FastifyReply, path: string): RequestLineFields {
  return {
    requestId: request.id,
    method: request.method,
    path,
    statusCode: reply.statusCode,
    responseTime: Math.round(reply.elapsedTime),
  };
}

/** The same line through pino, for a logger that is not one of createLogger's. */
function pinoLine(fastify: FastifyInstance): RequestLineSink {
  return (level, f) => {
    const fields = {
      request_id: f.requestId,
      // shaped by the logger's req/res serializers: method and path, status code
      req: { method: f.method, url: f.path },
      res: { statusCode: f.statusCode },
      responseTime: f.responseTime,
    };
    if (level === 'error') {
      fastify.log.error(fields, `${f.method} ${f.path} ${f.statusCode}`);
    } else {
      fastify.log.info(fields, `${f.method} ${f.path} ${f.statusCode} ${f.responseTime}ms`);
    }
  };
}
