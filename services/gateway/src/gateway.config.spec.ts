import fc from 'fast-check';
import {
  describeEnvSchema,
  enumCase,
  intCase,
  stringCase,
  urlCase,
  type EnvVariableCase,
} from '@app/testing';
import { gatewayEnvSchema, loadGatewayConfig } from './gateway.config';
import { UPSTREAMS, urlVariableOf } from './upstreams';

const host = fc.stringMatching(/^[a-z][a-z0-9-]{0,12}(\.[a-z]{2,6})?$/);
const origin = fc
  .tuple(fc.constantFrom('http', 'https'), host, fc.option(fc.integer({ min: 1, max: 65535 })))
  .map(([scheme, name, port]) => `${scheme}://${name}${port === null ? '' : `:${port}`}`);

const corsOrigins: EnvVariableCase = {
  valid: fc.oneof(
    fc.constant('*'),
    fc.array(origin, { minLength: 1, maxLength: 4 }).map((list) => list.join(',')),
  ),
  invalid: fc.oneof(
    host.map((name) => `ftp://${name}`),
    origin.map((o) => `${o}/path`),
    host,
  ),
  read: (raw) =>
    raw
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
};

const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join('.'));
const trustedProxies: EnvVariableCase = {
  valid: fc
    .array(
      fc.oneof(
        ipv4,
        fc.tuple(ipv4, fc.integer({ min: 0, max: 32 })).map(([a, bits]) => `${a}/${bits}`),
        fc.constantFrom('::1', 'fd00::/8', '2001:db8::7'),
      ),
      { minLength: 1, maxLength: 4 },
    )
    .map((list) => list.join(',')),
  invalid: fc.oneof(
    host.filter((h) => !/^\d/.test(h)),
    fc.tuple(ipv4, fc.integer({ min: 33, max: 999 })).map(([a, bits]) => `${a}/${bits}`),
    ipv4.map((a) => `${a}/8/8`),
  ),
  read: (raw) =>
    raw
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean),
};

describeEnvSchema('gateway', {
  schema: gatewayEnvSchema,
  load: loadGatewayConfig,
  base: { SERVICE_API_KEY: 'a-key-of-sixteen-chars' },
  variables: {
    PORT: intCase(0, 65535),
    HOST: stringCase(),
    ...Object.fromEntries(
      UPSTREAMS.map(({ name }) => [urlVariableOf(name), urlCase(['http', 'https'])]),
    ),
    REDIS_URL: urlCase(['redis', 'rediss'], true),
    REDIS_KEY_PREFIX: stringCase(1, 64),
    SERVICE_API_KEY: stringCase(16, undefined, true),
    CORS_ORIGINS: corsOrigins,
    TRUSTED_PROXIES: trustedProxies,
    EDGE_RATE_LIMIT_PER_MINUTE: intCase(1),
    BODY_LIMIT_BYTES: intCase(1024),
    UPSTREAM_TIMEOUT_MS: intCase(100, 600_000),
    LOG_LEVEL: enumCase(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    SHUTDOWN_TIMEOUT_MS: intCase(0),
  },
});

describe('gateway configuration', () => {
  it('needs its key, and defaults every upstream to its SPEC port', () => {
    expect(() => loadGatewayConfig({})).toThrow(/SERVICE_API_KEY is required/);
    const config = loadGatewayConfig({ SERVICE_API_KEY: 'a-key-of-sixteen-chars' });
    expect(config.port).toBe(8080);
    expect(config.upstreams).toEqual({
      user: 'http://127.0.0.1:8001',
      product: 'http://127.0.0.1:8000',
      cart: 'http://127.0.0.1:8003',
      order: 'http://127.0.0.1:8005',
      payment: 'http://127.0.0.1:8007',
      delivery: 'http://127.0.0.1:8002',
      'order-validation': 'http://127.0.0.1:8006',
    });
    expect(config.corsOrigins).toEqual([]);
  });
});
