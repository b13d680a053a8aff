import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { SERVICE_KEY_HEADER } from '../auth/service-key.verifier';
import { SERVICE_KEY_SECURITY } from '../auth/auth.decorators';
import { PlatformConfig } from '../config/platform.config';

/** Swagger UI at /docs, the OpenAPI document at /docs-json and /docs-yaml. */
export function setupSwagger(app: NestFastifyApplication, config: PlatformConfig): void {
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
