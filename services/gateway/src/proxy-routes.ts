import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import httpProxy from '@fastify/http-proxy';
import type { GatewayConfig } from './gateway.config';
import { edgeProblemOf, sendProblem } from './problem-reply';
import { UPSTREAMS } from './upstreams';

export const EDGE_KEY_HEADER = 'x-edge-key';

// OPTIONS stays at the edge (CORS preflight); everything else goes through.
const PROXIED_METHODS = ['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT'];

/**
 * The client's address: the socket's, or the one TRUSTED_PROXIES forwarded (Fastify's
 * `request.ip` under trustProxy); `::ffff:10.0.0.1` (IPv4 on a dual-stack socket) → `10.0.0.1`.
 */
export const clientIpOf = (request: { ip: string }): string =>
  (request.ip ?? '').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');

/**
 * The headers an upstream receives: no client-supplied credentials of the platform (a service
 * key, an edge key), the client's socket IP as the only X-Forwarded-For, vouched for by the
 * gateway's key in X-Edge-Key (a separate header: it opens no service-to-service route), and
 * the request id the edge settled on.
 */
export function upstreamHeaders(
  request: { id: string; ip: string },
  headers: IncomingHttpHeaders,
  edgeKey: string,
): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = { ...headers };
  delete out['x-service-key'];
  delete out.forwarded;
  delete out['x-real-ip'];
  out['x-forwarded-for'] = clientIpOf(request);
  out[EDGE_KEY_HEADER] = edgeKey;
  out['x-request-id'] = request.id;
  return out;
}

/** Upstream answers keep their body; the edge alone decides CORS. */
function responseHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith('access-control-')) out[name] = value;
  }
  return out;
}

/**
 * One @fastify/http-proxy per public prefix. Bodies are read as raw bytes under the body limit
 * (413 at the edge) and forwarded byte for byte: never re-serialized.
 */
export async function registerProxyRoutes(
  app: FastifyInstance,
  config: GatewayConfig,
): Promise<void> {
  app.removeAllContentTypeParsers();
  // handed on as a stream: reply-from re-serializes any other body typed application/json
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) =>
    done(null, Readable.from([body])),
  );
  for (const upstream of UPSTREAMS) {
    for (const prefix of upstream.prefixes) {
      await app.register(httpProxy, {
        upstream: config.upstreams[upstream.name],
        prefix,
        rewritePrefix: prefix,
        httpMethods: PROXIED_METHODS,
        proxyPayloads: false,
        // one line per request is the edge's own (gateway.ts)
        disableRequestLogging: true,
        internalRewriteLocationHeader: false,
        undici: { connectTimeout: Math.min(config.upstreamTimeoutMs, 5000) },
        replyOptions: {
          timeout: config.upstreamTimeoutMs,
          rewriteRequestHeaders: (request, headers) =>
            upstreamHeaders(request, headers, config.edgeKey),
          rewriteHeaders: (headers) => responseHeaders(headers),
          onError: (raw, { error }: { error: Error & { statusCode?: number } }) => {
            const reply = raw as unknown as FastifyReply;
            const status = error.statusCode === 504 ? 504 : isRefused(error) ? 503 : 502;
            const problem = edgeProblemOf(status);
            reply.request.log.warn(
              { upstream: upstream.name, error: error.name, status },
              'upstream failed',
            );
            if (status === 503) void reply.header('retry-after', '1');
            void sendProblem(reply.request, reply, problem.status, problem.code, problem.detail);
          },
        },
        config: { upstream: upstream.name },
      });
    }
  }
}

/** Nobody listening (connection refused, host unknown, reset before an answer): 503. */
function isRefused(error: Error & { cause?: unknown; statusCode?: number }): boolean {
  if (error.statusCode === 503) return true;
  const cause = error.cause as { code?: string; cause?: { code?: string } } | undefined;
  const code = cause?.code ?? cause?.cause?.code;
  return ['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ECONNRESET', 'UND_ERR_SOCKET'].includes(
    code ?? '',
  );
}
