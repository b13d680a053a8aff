export interface TestEnvOptions {
  databaseUrl?: string;
  issuer?: { jwksUrl: string; issuer: string; audience: string };
  /** caller -> key accepted on service-to-service endpoints */
  serviceKeys?: Record<string, string>;
  /** anything else, e.g. LOG_LEVEL or RATE_LIMIT_PER_MINUTE */
  extra?: Record<string, string>;
}

/** The environment a service gets in a test: quiet logs, port 0, the suite's own database. */
export function testEnv(options: TestEnvOptions = {}): Record<string, string | undefined> {
  return {
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    DATABASE_URL: options.databaseUrl,
    JWT_JWKS_URL: options.issuer?.jwksUrl,
    JWT_ISSUER: options.issuer?.issuer,
    JWT_AUDIENCE: options.issuer?.audience,
    SERVICE_API_KEYS: JSON.stringify(options.serviceKeys ?? {}),
    ...options.extra,
  };
}
