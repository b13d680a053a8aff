import helmet from '@fastify/helmet';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { SERVICE_KEY_HEADER } from '../auth/service-key.verifier';
import { SERVICE_KEY_SECURITY } from '../auth/auth.decorators';
import { PlatformConfig } from '../config/platform.config';
import { REQUEST_ID_HEADER } from '../logging/request-id';
import { registerHttpMetrics } from '../metrics/http-metrics.hook';
import { MetricsService } from '../metrics/metrics.service';

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

function setupSwagger(app: NestFastifyApplication, config: PlatformConfig): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(`${config.service} service`)
      .setDescription(
        `The ${config.service} service of nest-commerce. Errors are RFC 9457 problem+json. ` +
          'User endpoints take a bearer token from the user service (POST /api/v1/auth/login); ' +
          'service-to-service endpoints take an X-Service-Key.',
      )
      .setVersion('1.0')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      .addApiKey({ type: 'apiKey', in: 'header', name: SERVICE_KEY_HEADER }, SERVICE_KEY_SECURITY)
      .build(),
  );
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    yamlDocumentUrl: 'docs-yaml',
  });
}
