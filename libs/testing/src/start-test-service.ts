import { DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { createServer } from 'node:net';
import { configFromModule, configureApp, createFastifyAdapter } from '@app/platform';
import { contractCheckEnabled, installContractCheck } from './contract-check';

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

/** A port nobody listens on right now (the OS picks it; closed again before it is used). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
