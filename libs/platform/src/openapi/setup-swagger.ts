import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ProblemDto } from '@app/contracts';
import { SERVICE_KEY_HEADER } from '../auth/service-key.verifier';
import { SERVICE_KEY_SECURITY } from '../auth/auth.decorators';
import { PlatformConfig } from '../config/platform.config';
import { completeDocument } from './complete-document';

// configure-app's global prefix (not imported from there: it imports this file)
const API_PREFIX = 'api/v1';

/** The service's OpenAPI document, as served at /docs-json (built once per app). */
export function buildOpenApiDocument(
  app: NestFastifyApplication,
  config: PlatformConfig,
  apiPrefix: string,
): OpenAPIObject {
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
      .setLicense('MIT', 'https://opensource.org/licenses/MIT')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      .addApiKey({ type: 'apiKey', in: 'header', name: SERVICE_KEY_HEADER }, SERVICE_KEY_SECURITY)
      .build(),
    // every error response refers to the problem schema, also in a service that names none
    { extraModels: [ProblemDto] },
  );
  return completeDocument(document, { throttledPrefix: `/${apiPrefix}/` });
}

/** Swagger UI at /docs, the OpenAPI document at /docs-json and /docs-yaml. */
export function setupSwagger(
  app: NestFastifyApplication,
  config: PlatformConfig,
  apiPrefix = API_PREFIX,
): OpenAPIObject {
  const document = buildOpenApiDocument(app, config, apiPrefix);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    yamlDocumentUrl: 'docs-yaml',
  });
  return document;
}
