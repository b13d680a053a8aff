import fc from 'fast-check';
import { describeEnvSchema, enumCase, intCase, jsonCase, stringCase, urlCase } from '@app/testing';
import { loadIdempotencySettings, IdempotencyEnvSchema } from '../idempotency/idempotency.config';
import { loadMessagingSettings, MessagingEnvSchema } from '../messaging/messaging.config';
import { loadUpstreamSettings, upstreamEnvSchema } from '../http/upstream.config';
import { AmqpEnvSchema, loadAmqpSettings } from '../events/amqp/amqp.config';
import { loadPlatformConfig, platformEnvSchema } from './platform.config';

const product = { service: 'product', database: true };
const callers = fc.constantFrom('cart', 'order', 'payment', 'delivery', 'user');

describeEnvSchema('platform', {
  schema: platformEnvSchema(product),
  load: (env) => loadPlatformConfig({ ...product, env }),
  // the two timeouts at the ends of their range, so that each may take any value of its own
  base: {
    DATABASE_URL: 'postgres://app@127.0.0.1:5432/product_db',
    HTTP_HEADERS_TIMEOUT_MS: '50',
    HTTP_REQUEST_TIMEOUT_MS: '600000',
  },
  variables: {
    NODE_ENV: enumCase(['development', 'test', 'production']),
    HOST: stringCase(),
    PORT: intCase(0, 65535),
    DATABASE_URL: urlCase(['postgres', 'postgresql'], true),
    DB_POOL_MAX: intCase(2, 200),
    DB_STATEMENT_TIMEOUT_MS: intCase(100),
    DB_CONNECTION_TIMEOUT_MS: intCase(100),
    DB_PREPARED_STATEMENTS: enumCase(['true', 'false'], (raw) => raw === 'true'),
    LOG_LEVEL: enumCase(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    BACKEND_CORS_ORIGINS: jsonCase(
      fc.array(fc.webUrl()),
      fc.oneof(fc.array(fc.integer(), { minLength: 1 }), fc.dictionary(fc.string(), fc.string())),
    ),
    RATE_LIMIT_PER_MINUTE: intCase(1),
    BODY_LIMIT_BYTES: intCase(1024),
    SHUTDOWN_TIMEOUT_MS: intCase(0),
    HTTP_HEADERS_TIMEOUT_MS: intCase(50, 600_000),
    HTTP_REQUEST_TIMEOUT_MS: intCase(50, 600_000),
    HTTP_KEEP_ALIVE_TIMEOUT_MS: intCase(50, 600_000),
    HTTP_CONNECTION_TIMEOUT_MS: intCase(50, 3_600_000),
    BODY_MAX_DEPTH: intCase(1, 1000),
    JWT_JWKS_URL: urlCase(['http', 'https']),
    JWT_ISSUER: stringCase(),
    JWT_AUDIENCE: stringCase(),
    AUTH_TOKEN_STATE_TTL_MS: intCase(0, 60_000),
    SERVICE_API_KEYS: jsonCase(
      fc.dictionary(callers, fc.string({ minLength: 16, maxLength: 40 })),
      fc.oneof(
        fc.dictionary(
          callers,
          fc.string({ maxLength: 11 }).map((s) => `zq9X${s}`),
          {
            minKeys: 1,
          },
        ),
        fc.array(fc.string({ minLength: 16 }), { minLength: 1 }),
      ),
      true,
    ),
    SERVICE_API_KEY: stringCase(16, undefined, true),
    REDIS_URL: urlCase(['redis', 'rediss'], true),
    REDIS_KEY_PREFIX: stringCase(1, 64),
  },
});

describe('platform: the cross-variable rule', () => {
  it('refuses a header timeout above the request timeout, with every other problem', () => {
    expect(() =>
      loadPlatformConfig({
        ...product,
        env: { HTTP_HEADERS_TIMEOUT_MS: '40000', HTTP_REQUEST_TIMEOUT_MS: '30000', PORT: 'x' },
      }),
    ).toThrow(
      /^(?=[\s\S]*DATABASE_URL is required)(?=[\s\S]*PORT must be a number)[\s\S]*HTTP_HEADERS_TIMEOUT_MS must be at most HTTP_REQUEST_TIMEOUT_MS/,
    );
  });
});

describeEnvSchema('upstream', {
  schema: upstreamEnvSchema(['order', 'product']),
  load: (env) => loadUpstreamSettings(['order', 'product'], env),
  variables: {
    UPSTREAM_TIMEOUT_MS: intCase(50, 60_000),
    UPSTREAM_RETRIES: intCase(0, 5),
    UPSTREAM_BREAKER_THRESHOLD: intCase(1),
    UPSTREAM_BREAKER_HALF_OPEN_MS: intCase(100),
    ORDER_SERVICE_URL: urlCase(['http', 'https']),
    PRODUCT_SERVICE_URL: urlCase(['http', 'https']),
  },
});

describeEnvSchema('messaging', {
  schema: MessagingEnvSchema,
  load: loadMessagingSettings,
  variables: {
    OUTBOX_RELAY_ENABLED: enumCase(['true', 'false'], (raw) => raw === 'true'),
    OUTBOX_POLL_INTERVAL_MS: intCase(10, 3_600_000),
    OUTBOX_LISTEN_ENABLED: enumCase(['true', 'false'], (raw) => raw === 'true'),
    OUTBOX_BATCH_SIZE: intCase(1, 500),
    OUTBOX_MAX_ATTEMPTS: intCase(1),
    OUTBOX_BACKOFF_BASE_MS: intCase(10),
    OUTBOX_BACKOFF_MAX_MS: intCase(10),
    OUTBOX_MEMORY_CAPACITY: intCase(1, 1_000_000),
    OUTBOX_FLUSH_TIMEOUT_MS: intCase(0, 60_000),
    OUTBOX_CLAIM_LEASE_SECONDS: intCase(2, 600),
  },
});

describeEnvSchema('idempotency', {
  schema: IdempotencyEnvSchema,
  load: (env) => loadIdempotencySettings(env, { maxHoldSeconds: 120 }),
  variables: {
    IDEMPOTENCY_TTL_HOURS: intCase(24, 720),
    IDEMPOTENCY_LEASE_SECONDS: intCase(3, 3600),
  },
});

describeEnvSchema('amqp', {
  schema: AmqpEnvSchema,
  load: loadAmqpSettings,
  variables: {
    // holds the broker's password: a refusal must not print it
    AMQP_URL: urlCase(['amqp', 'amqps'], true),
    AMQP_PREFETCH: intCase(1, 1000),
    AMQP_RETRY_DELAY_MS: intCase(10, 3_600_000),
    AMQP_MAX_ATTEMPTS: intCase(1, 1000),
    AMQP_PUBLISH_TIMEOUT_MS: intCase(100, 600_000),
    AMQP_NAME_PREFIX: stringCase(1, 40),
  },
});

describe('amqp: a URL with credentials', () => {
  it('is read as written, and a malformed one is refused without printing it', () => {
    const url = 'amqps://svc:zq9Xpassword@broker.internal:5671/prod';
    expect(loadAmqpSettings({ AMQP_URL: url }).url).toBe(url);
    expect(() => loadAmqpSettings({ AMQP_URL: 'http://svc:zq9Xpassword@broker:5672' })).toThrow(
      /^(?![\s\S]*zq9X)[\s\S]*AMQP_URL must be a amqp or amqps URL/,
    );
    expect(loadAmqpSettings({})).toEqual({
      url: undefined,
      prefetch: 16,
      retryDelayMs: 1000,
      maxAttempts: 10,
      publishTimeoutMs: 10_000,
      namePrefix: '',
    });
  });
});
