import { ConfigError } from '@app/platform/config/config-error';
import { loadGatewayConfig } from './gateway.config';
import { buildGateway } from './gateway';

async function main(): Promise<void> {
  let config;
  try {
    config = loadGatewayConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`gateway: invalid configuration: ${error.problems.join('; ')}\n`);
    process.exit(1);
  }
  const app = await buildGateway(config);
  await app.listen({ port: config.port, host: config.host });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    // in-flight requests finish; past the timeout the process goes anyway
    setTimeout(() => process.exit(1), config.shutdownTimeoutMs).unref();
    void app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

void main().catch((error: unknown) => {
  process.stderr.write(`gateway: failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
