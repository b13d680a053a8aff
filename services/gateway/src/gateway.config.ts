import { isIP } from 'node:net';
import { z } from 'zod';
import { envInt, envUrl, parseEnv } from '@app/platform/config/env-schema';
import { UPSTREAMS, UpstreamName, urlVariableOf } from './upstreams';

const upstreamUrl = (port: number) => envUrl(['http', 'https']).default(`http://127.0.0.1:${port}`);

/** `10.0.0.7`, `fd00::1`, `10.0.0.0/8`, `fd00::/8` */
function isAddressOrRange(entry: string): boolean {
  const [address, bits, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

const ORIGIN = /^(\*|https?:\/\/[^/\s,]+)$/;

/** Every variable the gateway reads (empty counts as unset); the Kubernetes check reads the keys. */
export const gatewayEnvSchema = z.object({
  PORT: envInt(0, 65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  /** where each service is; defaults: SPEC ports on this host */
  PRODUCT_SERVICE_URL: upstreamUrl(8000),
  USER_SERVICE_URL: upstreamUrl(8001),
  DELIVERY_SERVICE_URL: upstreamUrl(8002),
  CART_SERVICE_URL: upstreamUrl(8003),
  ORDER_SERVICE_URL: upstreamUrl(8005),
  ORDER_VALIDATION_SERVICE_URL: upstreamUrl(8006),
  PAYMENT_SERVICE_URL: upstreamUrl(8007),
  /** shared edge rate limit across gateway replicas; in memory when unset */
  REDIS_URL: envUrl(['redis', 'rediss']).optional(),
  /** before the edge's Redis keys, as the services' (several platforms on one Redis) */
  REDIS_KEY_PREFIX: z.string().max(64).default(''),
  /** the gateway's own key (its entry in every service's SERVICE_API_KEYS), sent as X-Edge-Key */
  SERVICE_API_KEY: z
    .string({
      error: (issue) =>
        issue.input === undefined
          ? 'is required: the services trust the forwarded client IP only with it'
          : undefined,
    })
    .min(16),
  /** comma-separated allowed browser origins, or `*`; unset: no CORS headers (same origin only) */
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((raw) =>
      raw
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    )
    .refine((origins) => origins.every((origin) => ORIGIN.test(origin)), {
      message: 'must be * or a comma-separated list of http(s)://host[:port] origins',
    }),
  /**
   * comma-separated addresses or CIDR ranges of the proxies in front of the gateway (an
   * ingress controller, a load balancer): their X-Forwarded-For names the client. Unset: the
   * gateway is the first hop and the socket's address is the client.
   */
  TRUSTED_PROXIES: z
    .string()
    .default('')
    .transform((raw) =>
      raw
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
    )
    .refine((entries) => entries.every(isAddressOrRange), {
      message: 'must be a comma-separated list of IP addresses or CIDR ranges (10.0.0.0/8)',
    }),
  EDGE_RATE_LIMIT_PER_MINUTE: envInt(1).default(1200),
  BODY_LIMIT_BYTES: envInt(1024).default(1_048_576),
  UPSTREAM_TIMEOUT_MS: envInt(100, 600_000).default(10_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SHUTDOWN_TIMEOUT_MS: envInt(0).default(10_000),
});

export interface GatewayConfig {
  port: number;
  host: string;
  upstreams: Record<UpstreamName, string>;
  redisUrl?: string;
  redisKeyPrefix: string;
  edgeKey: string;
  corsOrigins: string[];
  trustedProxies: string[];
  rateLimitPerMinute: number;
  bodyLimitBytes: number;
  upstreamTimeoutMs: number;
  logLevel: string;
  shutdownTimeoutMs: number;
}

/** The validated configuration; throws a ConfigError naming each bad variable. */
export function loadGatewayConfig(env: Record<string, string | undefined>): GatewayConfig {
  const parsed = parseEnv(gatewayEnvSchema, env);
  const urls = parsed as unknown as Record<string, string>;
  return {
    port: parsed.PORT,
    host: parsed.HOST,
    upstreams: Object.fromEntries(
      UPSTREAMS.map(({ name }) => [name, urls[urlVariableOf(name)].replace(/\/+$/, '')]),
    ) as Record<UpstreamName, string>,
    redisUrl: parsed.REDIS_URL,
    redisKeyPrefix: parsed.REDIS_KEY_PREFIX,
    edgeKey: parsed.SERVICE_API_KEY,
    corsOrigins: parsed.CORS_ORIGINS,
    trustedProxies: parsed.TRUSTED_PROXIES,
    rateLimitPerMinute: parsed.EDGE_RATE_LIMIT_PER_MINUTE,
    bodyLimitBytes: parsed.BODY_LIMIT_BYTES,
    upstreamTimeoutMs: parsed.UPSTREAM_TIMEOUT_MS,
    logLevel: parsed.LOG_LEVEL,
    shutdownTimeoutMs: parsed.SHUTDOWN_TIMEOUT_MS,
  };
}
