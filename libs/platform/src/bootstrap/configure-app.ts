import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { SERVICE_KEY_HEADER } from '../auth/service-key.verifier';
import { PlatformConfig } from '../config/platform.config';
import { enterRequestContext } from '../context/request-context';
import { PROBLEM_CONTENT_TYPE, buildProblem } from '../errors/problem';
import { PinoNestLogger } from '../logging/pino-nest-logger';
import { registerRequestLog } from '../logging/request-log.hook';
import { REQUEST_ID_HEADER } from '../logging/request-id';
import { registerHttpMetrics } from '../metrics/http-metrics.hook';
import { MetricsService } from '../metrics/metrics.service';
import { setupSwagger } from '../openapi/setup-swagger';
import { useJsonBodyParser } from './json-body-parser';
import { registerSecurityHeaders } from './security-headers';

export const API_PREFIX = 'api/v1';

/**
 * Everything done to the application object rather than the module: shared by main.ts and
 * the test helper, so tests exercise exactly what production runs.
 */
export async function configureApp(app: NestFastifyApplication): Promise<void> {
  const config = app.get(PlatformConfig);
  const fastify = app.getHttpAdapter().getInstance();
  app.useLogger(new PinoNestLogger(fastify.log));
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health', 'metrics'] });
  app.enableCors({
    origin: config.corsOrigins.length > 0 ? config.corsOrigins : false,
    credentials: true,
    exposedHeaders: [REQUEST_ID_HEADER, 'retry-after'],
  });
  useJsonBodyParser(app, {
    bodyLimitBytes: config.bodyLimitBytes,
    maxDepth: config.http.bodyMaxDepth,
  });
  registerSecurityHeaders(app);

  registerRequestLog(fastify);
  // The response, and everything the request runs (outbound calls, transactions), see its id.
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    enterRequestContext(request, reply, done);
  });
  noStoreWithCredentials(fastify);
  registerHttpMetrics(fastify, app.get(MetricsService));
  refuseNewRequestsOnShutdown(fastify);

  setupSwagger(app, config);
}

/**
 * A response to a request that carries credentials (a bearer token or a service key) is
 * never stored by a browser or proxy, error responses included: onSend sees them all.
 */
function noStoreWithCredentials(fastify: FastifyInstance): void {
  fastify.addHook('onSend', (request, reply, payload, done) => {
    if (request.headers.authorization !== undefined || request.headers[SERVICE_KEY_HEADER]) {
      void reply.header('cache-control', 'no-store');
    }
    done(null, payload);
  });
}

/**
 * Once closing has begun, in-flight requests finish and their responses say
 * `Connection: close`, so a keep-alive client does not hold the drained server open until
 * its keep-alive timeout; a new request on such a connection gets 503 problem+json.
 */
function refuseNewRequestsOnShutdown(fastify: FastifyInstance): void {
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    if (!closing) return done();
    void reply
      .code(503)
      .header('connection', 'close')
      .header('retry-after', '1')
      .header('content-type', PROBLEM_CONTENT_TYPE)
      .send(
        buildProblem(
          503,
          'service_unavailable',
          'The service is shutting down; retry the request.',
          request.url,
        ),
      );
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) void reply.header('connection', 'close');
    done(null, payload);
  });
}
