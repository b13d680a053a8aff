import { FastifyAdapter } from '@nestjs/platform-fastify';
import { LogController } from 'fastify';
import type { PlatformConfig } from '../config/platform.config';
import { createLogger } from '../logging/create-logger';
import { requestIdFor } from '../logging/request-id';
import { onClientError, onFrameworkError } from './framework-error-handlers';

/** Fastify's default longest path parameter, kept explicit: longer is 414 problem+json. */
export const MAX_PARAM_LENGTH = 100;

export function createFastifyAdapter(config: PlatformConfig): FastifyAdapter {
  const { http } = config;
  return new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    // The id is accepted (if it passes the whitelist) or generated once, here; the log lines,
    // the response header and outbound clients reuse it. No `requestIdHeader`: Fastify
    // would take that header as is, bypassing the whitelist.
    genReqId: requestIdFor,
    // One pino logger per service; the request lines are our onResponse hook's
    // (registerRequestLog), not Fastify's two lines per request.
    loggerInstance: createLogger(config),
    logController: new LogController({
      disableRequestLogging: true,
      requestIdLogLabel: 'request_id',
    }),
    trustProxy: false,
    // SPEC writes collection routes with a trailing slash (/api/v1/products/); accept both.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_PARAM_LENGTH },
    // router-level and parser-level errors answer problem+json like every other error
    frameworkErrors: onFrameworkError,
    clientErrorHandler: onClientError,
    // Slow clients: all headers within headersTimeout, the whole request within
    // requestTimeout, idle keep-alive sockets and silent connections closed.
    requestTimeout: http.requestTimeoutMs,
    keepAliveTimeout: http.keepAliveTimeoutMs,
    connectionTimeout: http.connectionTimeoutMs,
    http: {
      headersTimeout: http.headersTimeoutMs,
      // node checks those two timeouts on this interval (30 s by default, which would let a
      // slow client hold a socket up to 30 s past them)
      connectionsCheckingInterval: Math.max(
        25,
        Math.min(1000, Math.floor(Math.min(http.headersTimeoutMs, http.requestTimeoutMs) / 4)),
      ),
    },
    // On close: stop accepting, let in-flight requests finish, drop idle keep-alive sockets.
    // Requests arriving meanwhile get our 503 problem+json (configureApp), not Fastify's.
    forceCloseConnections: 'idle',
    return503OnClosing: false,
  });
}
