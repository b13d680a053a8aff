import { DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { configFromModule, configureApp, createFastifyAdapter } from '@app/platform';
import { contractCheckEnabled, installContractCheck } from './contract-check';

// freePort: one copy for the scripts, the bench and the tests.
export { freePort } from '../../../scripts/lib/proc.mjs';

/**
 * Boots a service module exactly as main.ts does (same adapter, same configureApp), ready for
 * supertest via `app.getHttpServer()`. Pass `listen: true` to serve on a real port as well,
 * for other services to call it over HTTP: the env's PORT (0, the default of testEnv, lets the
 * OS pick; use freePort() when the service must know its own URL before it starts).
 * Every response it sends is checked against its own OpenAPI document when it closes (see
 * contract-check.ts; CONTRACT_CHECK=off skips it).
 */
export async function startTestService(
  module: DynamicModule,
  options: { listen?: boolean } = {},
): Promise<NestFastifyApplication> {
  const config = configFromModule(module);
  const moduleRef = await Test.createTestingModule({ imports: [module] }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(
    createFastifyAdapter(config),
    {
      bufferLogs: true,
      bodyParser: false,
    },
  );
  await configureApp(app);
  if (contractCheckEnabled()) installContractCheck(app);
  if (options.listen) {
    await app.listen(config.port, '127.0.0.1');
  } else {
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  }
  return app;
}

/** The base URL of a service started with `listen: true`. */
export async function baseUrlOf(app: NestFastifyApplication): Promise<string> {
  return (await app.getUrl()).replace('[::1]', '127.0.0.1');
}
