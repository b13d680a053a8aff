import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildGateway } from '../../services/gateway/src/gateway';
import { loadGatewayConfig } from '../../services/gateway/src/gateway.config';
import { UPSTREAMS, urlVariableOf } from '../../services/gateway/src/upstreams';

export const GATEWAY_KEY = 'gateway-edge-test-key-0001';

export interface RunningGateway {
  url: string;
  app: FastifyInstance;
  close: () => Promise<void>;
}

/** The real gateway (the same buildGateway as main.ts) on a free port in front of `upstreams`. */
export async function startGateway(
  upstreams: Record<string, string>,
  env: Record<string, string> = {},
): Promise<RunningGateway> {
  const config = loadGatewayConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    SERVICE_API_KEY: GATEWAY_KEY,
    ...Object.fromEntries(
      UPSTREAMS.filter(({ name }) => upstreams[name]).map(({ name }) => [
        urlVariableOf(name),
        upstreams[name],
      ]),
    ),
    ...env,
  });
  const app = await buildGateway(config);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, app, close: () => app.close() };
}
