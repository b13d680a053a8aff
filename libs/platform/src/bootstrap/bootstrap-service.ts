import { isMainThread } from 'node:worker_threads';
import { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { PlatformConfig } from '../config/platform.config';
import { ConfigError } from '../config/config-error';
import { configureApp } from './configure-app';
import { createFastifyAdapter } from './create-fastify-adapter';
import { createLogger } from '../logging/create-logger';
import { PinoNestLogger } from '../logging/pino-nest-logger';

/** A module factory, so a configuration error surfaces here and not as an uncaught throw. */
export type ModuleFactory = () => DynamicModule;

/**
 * main.ts of every service: `void bootstrapService(() => ProductModule.forRoot())`.
 * SIGTERM/SIGINT close the app: Fastify stops accepting and drains in-flight requests,
 * then the TypeORM pool closes.
 * In a worker thread (`npm start -- --threads`, scripts/lib/service-thread.mjs) the host relays
 * the signal as a message and the same hooks run; the thread then ends with process.exit, since
 * Nest's default, re-raising the signal with process.kill(process.pid), would stop the whole
 * host process and every other service in it.
 */
export async function bootstrapService(factory: ModuleFactory): Promise<NestFastifyApplication> {
  try {
    return await listenService(factory(), { shutdownHooks: true });
  } catch (error) {
    exitOnStartupError(error);
  }
}

/**
 * bootstrapService's core: the app created, configured and listening on its port. A failure is
 * thrown, not a process exit; without `shutdownHooks` the caller closes the app itself, as
 * `npm start -- --in-process` does for each of the services that share its process
 * (scripts/lib/in-process-host.mjs): a signal there is the launcher's, not one service's.
 */
export async function listenService(
  module: DynamicModule,
  options: { shutdownHooks: boolean },
): Promise<NestFastifyApplication> {
  const config = configFromModule(module);
  const app = await NestFactory.create<NestFastifyApplication>(
    module,
    createFastifyAdapter(config),
    {
      bufferLogs: true,
      abortOnError: false,
      // JSON only, through our own parser (configureApp): no urlencoded parser
      bodyParser: false,
    },
  );
  try {
    await configureApp(app);
    if (options.shutdownHooks) {
      app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: !isMainThread });
    }
    await app.listen(config.port, config.host);
  } catch (error) {
    // its pools and timers must not outlive a start that failed in a process that goes on
    await app.close().catch(() => undefined);
    throw error;
  }
  return app;
}

/** seed.ts, migrate-like jobs: an application context without HTTP, closed when done. */
export async function runStandalone(
  factory: ModuleFactory,
  job: (app: import('@nestjs/common').INestApplicationContext) => Promise<void>,
): Promise<void> {
  try {
    const module = factory();
    const app = await NestFactory.createApplicationContext(module, {
      bufferLogs: true,
      abortOnError: false,
    });
    app.useLogger(new PinoNestLogger(createLogger(configFromModule(module))));
    try {
      await job(app);
    } finally {
      await app.close();
    }
  } catch (error) {
    exitOnStartupError(error);
  }
}

export function configFromModule(module: DynamicModule): PlatformConfig {
  const found = findProvider(module);
  if (!found) throw new Error('The module does not import PlatformModule.forRoot()');
  return found;
}

function findProvider(module: DynamicModule): PlatformConfig | undefined {
  for (const provider of module.providers ?? []) {
    const value = provider as { provide?: unknown; useValue?: unknown };
    if (value.provide === PlatformConfig) return value.useValue as PlatformConfig;
  }
  for (const imported of module.imports ?? []) {
    if (imported && typeof imported === 'object' && 'module' in imported) {
      const found = findProvider(imported as DynamicModule);
      if (found) return found;
    }
  }
  return undefined;
}

function exitOnStartupError(error: unknown): never {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    const name = error instanceof Error ? error.constructor.name : 'Error';
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`Startup failed: ${name}: ${message}\n`);
  }
  process.exit(1);
}
