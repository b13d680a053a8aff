import helmet from '@fastify/helmet';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { Logger } from 'nestjs-pino';
import { PlatformConfig } from '../config/platform.config';
import { REQUEST_ID_HEADER } from '../logging/request-id';
import { registerHttpMetrics } from '../metrics/http-metrics.hook';
import { MetricsService } from '../metrics/metrics.service';
import { setupSwagger } from '../openapi/setup-swagger';

export const API_PREFIX = 'api/v1';

/**
 * Everything done to the application object rather than the module: shared by main.ts and
 * the test helper, so tests exercise exactly what production runs.
 */
export async function configureApp(app: NestFastifyApplication): Promise<void> {
  const config = app.get(PlatformConfig);
  app.useLogger(app.get(Logger));
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health', 'metrics'] });
  app.enableCors({
    origin: config.corsOrigins.length > 0 ? config.corsOrigins : false,
    credentials: true,
    exposedHeaders: [REQUEST_ID_HEADER, 'retry-after'],
  });
  await app.register(helmet, {
    // Swagger UI needs inline styles and scripts on /docs; nothing else serves HTML.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: [`'self'`],
        styleSrc: [`'self'`, `'unsafe-inline'`],
        imgSrc: [`'self'`, 'data:', 'validator.swagger.io'],
        scriptSrc: [`'self'`, `'unsafe-inline'`],
      },
    },
  });

  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
  registerHttpMetrics(fastify, app.get(MetricsService));
  closeKeepAliveOnShutdown(fastify);

  setupSwagger(app, config);
}

/**
 * Once closing has begun, responses to in-flight requests say `Connection: close`, so a
 * keep-alive client does not hold the drained server open until its keep-alive timeout.
 */
function closeKeepAliveOnShutdown(fastify: FastifyInstance): void {
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) void reply.header('connection', 'close');
    done(null, payload);
  });
}
