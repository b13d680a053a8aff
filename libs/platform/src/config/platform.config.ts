import { z } from 'zod';
import { configToken } from './config-token';
import { EVEN_AFTER_OTHER_ERRORS, envInt, envJson, envUrl, parseEnv } from './env-schema';
import { SERVICE_PORTS } from './service-ports';

const WEB = ['http', 'https'];
const POSTGRES = ['postgres', 'postgresql'];

/**
 * The environment every service reads; defaults are safe for a laptop. PORT defaults to the
 * service's SPEC port and DATABASE_URL is required when the service owns a database
 * (platformEnvSchema).
 */
export const PlatformEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().default('0.0.0.0'),
  PORT: envInt(0, 65535),
  DATABASE_URL: envUrl(POSTGRES).optional(),
  /** at least 2: an advisory lock (migrations at start, ReplicaLocks) holds one connection
   *  while its work takes another from the pool */
  DB_POOL_MAX: envInt(2, 200).default(10),
  DB_STATEMENT_TIMEOUT_MS: envInt(100).default(5000),
  DB_CONNECTION_TIMEOUT_MS: envInt(100).default(3000),
  /** statements run again are named prepared statements (off behind a PgBouncer < 1.21 in
   *  transaction mode, where a connection's statements may be another's) */
  DB_PREPARED_STATEMENTS: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BACKEND_CORS_ORIGINS: envJson(z.array(z.string()), 'a JSON array of strings').default([]),
  RATE_LIMIT_PER_MINUTE: envInt(1).default(1200),
  BODY_LIMIT_BYTES: envInt(1024).default(1_048_576),
  SHUTDOWN_TIMEOUT_MS: envInt(0).default(10_000),
  /** a client must have sent all its request headers within this time (slowloris) */
  HTTP_HEADERS_TIMEOUT_MS: envInt(50, 600_000).default(10_000),
  /** ... and its whole request, body included, within this time */
  HTTP_REQUEST_TIMEOUT_MS: envInt(50, 600_000).default(30_000),
  /** an idle keep-alive connection is closed after this time */
  HTTP_KEEP_ALIVE_TIMEOUT_MS: envInt(50, 600_000).default(5_000),
  /** a connection without any traffic either way is closed after this time */
  HTTP_CONNECTION_TIMEOUT_MS: envInt(50, 3_600_000).default(60_000),
  /** JSON bodies nested deeper than this (objects and arrays) are refused with 400 */
  BODY_MAX_DEPTH: envInt(1, 1000).default(32),
  JWT_JWKS_URL: envUrl(WEB).default('http://localhost:8001/api/v1/auth/jwks.json'),
  JWT_ISSUER: z.string().min(1).default('http://localhost:8001'),
  JWT_AUDIENCE: z.string().min(1).default('nest-commerce'),
  /**
   * How long a service trusts the user service's answer about a user's token version: the
   * longest an old token still works elsewhere after a password, email or role change or a
   * deletion. 0: ask on every request (concurrent requests of a user still share one call).
   */
  AUTH_TOKEN_STATE_TTL_MS: envInt(0, 60_000).default(2000),
  /** caller name -> key this service accepts on its service-to-service endpoints */
  SERVICE_API_KEYS: envJson(
    z.record(z.string(), z.string().min(16)),
    'a JSON object of strings, each at least 16 characters',
  ).default({}),
  /** this service's own key for calling others */
  SERVICE_API_KEY: z.string().min(16).optional(),
  /** Redis for the state all replicas share (rate limits, …); unset: each process alone */
  REDIS_URL: envUrl(['redis', 'rediss']).optional(),
  /** before every Redis key and channel: several platforms (or test stacks) on one Redis */
  REDIS_KEY_PREFIX: z.string().max(64).default(''),
});

export interface PlatformConfigOptions {
  service: string;
  env: Record<string, string | undefined>;
  /** true when the service owns a database: DATABASE_URL becomes required */
  database: boolean;
}

/** PlatformEnvSchema with the service's PORT default, its DATABASE_URL rule, cross-checks. */
export function platformEnvSchema(options: Omit<PlatformConfigOptions, 'env'>) {
  const port = SERVICE_PORTS[options.service];
  const { PORT, DATABASE_URL } = PlatformEnvSchema.shape;
  return PlatformEnvSchema.extend({
    PORT: port === undefined ? PORT : PORT.default(port),
    DATABASE_URL: options.database
      ? envUrl(POSTGRES, 'is required (postgres://user@host:port/database)')
      : DATABASE_URL,
  }).superRefine((env, ctx) => {
    const { HTTP_HEADERS_TIMEOUT_MS: headers, HTTP_REQUEST_TIMEOUT_MS: request } = env;
    if (Number.isFinite(headers) && Number.isFinite(request) && headers > request) {
      ctx.addIssue({
        code: 'custom',
        path: ['HTTP_HEADERS_TIMEOUT_MS'],
        message: 'must be at most HTTP_REQUEST_TIMEOUT_MS',
      });
    }
  }, EVEN_AFTER_OTHER_ERRORS);
}

/** The platform's configuration schema for one service; its output is PlatformConfig. */
export function platformConfigSchema(options: Omit<PlatformConfigOptions, 'env'>) {
  return platformEnvSchema(options).transform((env) => ({
    service: options.service,
    nodeEnv: env.NODE_ENV,
    host: env.HOST,
    port: env.PORT,
    database:
      options.database && env.DATABASE_URL
        ? {
            url: env.DATABASE_URL,
            poolMax: env.DB_POOL_MAX,
            statementTimeoutMs: env.DB_STATEMENT_TIMEOUT_MS,
            connectionTimeoutMs: env.DB_CONNECTION_TIMEOUT_MS,
            preparedStatements: env.DB_PREPARED_STATEMENTS,
          }
        : null,
    logLevel: env.LOG_LEVEL,
    corsOrigins: env.BACKEND_CORS_ORIGINS,
    rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    /** slow-client timeouts and the JSON depth limit of the HTTP server */
    http: {
      headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: env.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      connectionTimeoutMs: env.HTTP_CONNECTION_TIMEOUT_MS,
      bodyMaxDepth: env.BODY_MAX_DEPTH,
    },
    jwt: {
      jwksUrl: env.JWT_JWKS_URL,
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
      tokenStateTtlMs: env.AUTH_TOKEN_STATE_TTL_MS,
    },
    serviceApiKeys: env.SERVICE_API_KEYS,
    serviceApiKey: env.SERVICE_API_KEY,
    redis: { url: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX },
  }));
}

/** The validated, typed view services and the platform inject. */
export type PlatformConfig = z.output<ReturnType<typeof platformConfigSchema>>;
export const PlatformConfig = configToken<PlatformConfig>('PlatformConfig');

export function loadPlatformConfig(options: PlatformConfigOptions): PlatformConfig {
  return parseEnv(platformConfigSchema(options), options.env);
}
