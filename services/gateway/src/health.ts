import type { FastifyInstance } from 'fastify';
import type { GatewayConfig } from './gateway.config';
import { UPSTREAMS } from './upstreams';

type UpstreamHealth = { status: 'up' | 'down'; http_status?: number };

// a health probe must answer well before the orchestrator's own probe times out
const PROBE_TIMEOUT_MS = 2000;

async function probe(url: string, timeoutMs: number): Promise<UpstreamHealth> {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return { status: response.ok ? 'up' : 'down', http_status: response.status };
  } catch {
    return { status: 'down' };
  }
}

/** `GET /health`: 200 when every upstream's /health is 200, else 503 naming those down. */
export function registerHealth(app: FastifyInstance, config: GatewayConfig): void {
  app.get('/health', { config: { rateLimit: false } }, async (_request, reply) => {
    const timeout = Math.min(PROBE_TIMEOUT_MS, config.upstreamTimeoutMs);
    const results = await Promise.all(
      UPSTREAMS.map(
        async ({ name }) => [name, await probe(config.upstreams[name], timeout)] as const,
      ),
    );
    const down = results.filter(([, health]) => health.status === 'down').map(([name]) => name);
    return reply
      .code(down.length === 0 ? 200 : 503)
      .header('cache-control', 'no-store')
      .send({
        status: down.length === 0 ? 'ok' : 'error',
        down,
        upstreams: Object.fromEntries(results),
      });
  });
}
