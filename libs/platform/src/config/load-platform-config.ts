import { ConfigError, validateEnv } from './validate-env';
import { PlatformConfig, PlatformEnv } from './platform.config';
import { SERVICE_PORTS } from './service-ports';

export interface PlatformConfigOptions {
  service: string;
  env: Record<string, string | undefined>;
  /** true when the service owns a database: DATABASE_URL becomes required */
  database: boolean;
}

export function loadPlatformConfig(options: PlatformConfigOptions): PlatformConfig {
  const defaultPort = SERVICE_PORTS[options.service];
  const env = validateEnv(PlatformEnv, {
    PORT: defaultPort === undefined ? undefined : String(defaultPort),
    ...withoutEmpty(options.env),
  });
  if (options.database && !env.DATABASE_URL) {
    throw new ConfigError(['DATABASE_URL is required (postgres://user@host:port/database)']);
  }
  if (env.PORT === undefined || Number.isNaN(env.PORT)) {
    throw new ConfigError(['PORT must be an integer between 0 and 65535']);
  }
  return new PlatformConfig(
    options.service,
    env.NODE_ENV,
    env.HOST,
    env.PORT,
    options.database && env.DATABASE_URL
      ? {
          url: env.DATABASE_URL,
          poolMax: env.DB_POOL_MAX,
          statementTimeoutMs: env.DB_STATEMENT_TIMEOUT_MS,
          connectionTimeoutMs: env.DB_CONNECTION_TIMEOUT_MS,
        }
      : null,
    env.LOG_LEVEL,
    JSON.parse(env.BACKEND_CORS_ORIGINS) as string[],
    env.RATE_LIMIT_PER_MINUTE,
    env.BODY_LIMIT_BYTES,
    env.SHUTDOWN_TIMEOUT_MS,
    {
      headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: env.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      connectionTimeoutMs: env.HTTP_CONNECTION_TIMEOUT_MS,
      bodyMaxDepth: env.BODY_MAX_DEPTH,
    },
    {
      jwksUrl: env.JWT_JWKS_URL,
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
      tokenStateTtlMs: env.AUTH_TOKEN_STATE_TTL_MS,
    },
    JSON.parse(env.SERVICE_API_KEYS) as Record<string, string>,
    env.SERVICE_API_KEY,
  );
}

function withoutEmpty(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => !!entry[1]),
  );
}
