import fastify, { FastifyError, FastifyInstance, LogController } from 'fastify';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import Redis from 'ioredis';
import { onClientError } from '@app/platform/bootstrap/framework-error-handlers';
import { REQUEST_ID_HEADER, requestIdFor } from '@app/platform/logging/request-id';
import { registerDocsPortal } from './docs-portal';
import type { GatewayConfig } from './gateway.config';
import { registerHealth } from './health';
import { setSecurityHeaders } from './security-headers';
import { edgeProblemOf, sendProblem } from './problem-reply';
import { clientIpOf, registerProxyRoutes } from './proxy-routes';
import { upstreamOf } from './upstreams';

const REDIS_READY_TIMEOUT_MS = 3000;

/**
 * The edge: CORS, a per-client rate limit, the body limit, the public routes of the seven
 * services (proxy-routes.ts), /health and the docs portal. Every answer carries X-Request-Id
 * and every error is problem+json.
 */
export async function buildGateway(config: GatewayConfig): Promise<FastifyInstance> {
  const app = fastify({
    logger: {
      level: config.logLevel,
      base: { service: 'gateway' },
      timestamp: () => `,"time":"${new Date().toISOString()}"`,
      // an upstream failure is logged by its class and code, never with a stack
      serializers: {
        err: ((error: Error & { code?: string }) => ({
          type: error.name,
          code: error.code,
        })) as never,
      },
    },
    logController: new LogController({
      disableRequestLogging: true,
      requestIdLogLabel: 'request_id',
    }),
    genReqId: requestIdFor,
    // the client is the socket's address, or what trusted proxies in front say it is
    trustProxy: config.trustedProxies.length > 0 ? config.trustedProxies : false,
    bodyLimit: config.bodyLimitBytes,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 100 },
    clientErrorHandler: onClientError,
    forceCloseConnections: 'idle',
    requestTimeout: config.upstreamTimeoutMs + 30_000,
  });

  app.addHook('onRequest', async (request, reply) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    const path = request.url.split('?', 1)[0];
    setSecurityHeaders(path, reply);
    // under a public prefix, a hidden segment (/internal/, /admin/, %2e%2e) is not routed either
    if (path.startsWith('/api/') && !upstreamOf(path)) {
      const problem = edgeProblemOf(404);
      return sendProblem(request, reply, 404, problem.code, problem.detail);
    }
  });
  app.addHook('onResponse', async (request, reply) => {
    const path = request.url.split('?', 1)[0];
    request.log.info(
      {
        method: request.method,
        path: path.length > 200 ? `${path.slice(0, 200)}…` : path,
        upstream: upstreamOf(path),
        status: reply.statusCode,
        duration_ms: Math.round(reply.elapsedTime),
        client_ip: clientIpOf(request),
      },
      'request',
    );
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) {
      request.log.error({ error: error.name, code: error.code }, 'gateway error');
      return sendProblem(request, reply, 500, 'internal_error', 'An unexpected error occurred.');
    }
    const problem = edgeProblemOf(status);
    return sendProblem(
      request,
      reply,
      problem.status === 502 ? status : problem.status,
      problem.code,
      problem.detail,
    );
  });
  app.setNotFoundHandler((request, reply) => {
    const problem = edgeProblemOf(404);
    return sendProblem(request, reply, 404, problem.code, problem.detail);
  });

  if (config.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: config.corsOrigins.includes('*') ? '*' : config.corsOrigins,
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-request-id'],
      exposedHeaders: [
        'x-request-id',
        'retry-after',
        'location',
        'x-ratelimit-limit',
        'x-ratelimit-remaining',
        'x-ratelimit-reset',
      ],
      maxAge: 600,
    });
  }

  const redis = config.redisUrl
    ? new Redis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false })
    : undefined;
  if (redis) {
    redis.on('error', (error: Error) => app.log.warn({ error: error.message }, 'redis error'));
    app.addHook('onClose', async () => {
      redis.disconnect();
    });
    // counted from the first request on: an unconnected store would let requests pass uncounted
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        app.log.warn('redis not ready: the edge limit is skipped until it is');
        resolve();
      }, REDIS_READY_TIMEOUT_MS);
      redis.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  await app.register(rateLimit, {
    global: true,
    max: config.rateLimitPerMinute,
    timeWindow: 60_000,
    // the client's address (X-Forwarded-For counts only from TRUSTED_PROXIES)
    keyGenerator: (request) => clientIpOf(request),
    nameSpace: `${config.redisKeyPrefix}gateway-edge:`,
    ...(redis ? { redis } : {}),
    // a Redis outage must not take the API down: requests pass, the services still limit
    skipOnError: true,
    // X-RateLimit-* on a normal answer are the service's own (per service); the edge's only on its 429
    addHeadersOnExceeding: {
      'x-ratelimit-limit': false,
      'x-ratelimit-remaining': false,
      'x-ratelimit-reset': false,
    },
    errorResponseBuilder: (_request, context) =>
      Object.assign(new Error('rate limited'), { statusCode: context.statusCode }),
  });

  registerHealth(app, config);
  await registerDocsPortal(app, config);
  await registerProxyRoutes(app, config);
  return app;
}
