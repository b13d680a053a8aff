import { setTimeout as sleep } from 'node:timers/promises';
import {
  HttpTransport,
  UpstreamClient,
  UpstreamSettings,
  UpstreamUnavailableError,
  loadUpstreamSettings,
  runWithRequestId,
} from '../src';
import request from 'supertest';
import { TestTokenIssuer, startTestService, testEnv } from '@app/testing';
import { FakeUpstream, startFakeUpstream } from './fake-upstream';
import { FixtureModule } from './fixture.module';

const settings = (overrides: Partial<UpstreamSettings> = {}): UpstreamSettings => ({
  timeoutMs: 200,
  retries: 2,
  breakerThreshold: 3,
  breakerHalfOpenMs: 300,
  baseUrls: {},
  ...overrides,
});

describe('UpstreamClient (against a real local HTTP server)', () => {
  let upstream: FakeUpstream;
  const http = new HttpTransport();
  const client = (s = settings()) =>
    new UpstreamClient('product', upstream.url, http, s, 'svc-key-0123456789abcdef');

  beforeEach(async () => {
    upstream = await startFakeUpstream();
  });
  afterEach(() => upstream.stop());

  it('returns the answer and propagates request id, service key and user token', async () => {
    const res = await runWithRequestId('req-42', () =>
      client().request<{ pong: boolean }>({
        method: 'GET',
        path: '/ping',
        userToken: 'user.jwt.token',
      }),
    );
    expect(res).toEqual({ status: 200, data: { pong: true } });
    expect(upstream.lastHeaders?.['x-request-id']).toBe('req-42');
    expect(upstream.lastHeaders?.['x-service-key']).toBe('svc-key-0123456789abcdef');
    expect(upstream.lastHeaders?.authorization).toBe('Bearer user.jwt.token');
  });

  it('sends a POST without a body with no Content-Type (a JSON service would refuse a form type: 415)', async () => {
    await client().request({ method: 'POST', path: '/release', idempotencyKey: 'release-1' });
    expect(upstream.lastHeaders?.['content-type']).toBeUndefined();
    await client().request({ method: 'POST', path: '/reserve', body: { n: 1 } });
    expect(upstream.lastHeaders?.['content-type']).toMatch(/^application\/json/);
  });

  it('returns 4xx answers to the caller without retrying', async () => {
    upstream.mode = 'not_found';
    const res = await client().request({ method: 'GET', path: '/x' });
    expect(res.status).toBe(404);
    expect(upstream.hits).toBe(1);
  });

  it.each([502, 503, 504])(
    'retries a GET answered %i (the upstream is down), then answers 503 (UpstreamUnavailableError)',
    async (status) => {
      upstream.mode = 'error';
      upstream.errorStatus = status;
      await expect(client().request({ method: 'GET', path: '/x' })).rejects.toBeInstanceOf(
        UpstreamUnavailableError,
      );
      expect(upstream.hits).toBe(3);
    },
  );

  it('passes a 500 (a bug on that request) on as 503, without retrying it or counting it against the breaker', async () => {
    const c = client(settings({ breakerThreshold: 2 }));
    upstream.mode = 'error';
    upstream.errorStatus = 500;
    for (let i = 0; i < 5; i += 1) {
      await expect(c.request({ method: 'GET', path: '/x' })).rejects.toBeInstanceOf(
        UpstreamUnavailableError,
      );
    }
    expect(upstream.hits).toBe(5); // one attempt each, and the breaker never opened
    upstream.mode = 'ok';
    expect((await c.request({ method: 'GET', path: '/x' })).status).toBe(200);
  });

  it('probes an upstream a second after its breaker opened, by default', () => {
    const defaults = loadUpstreamSettings(['product'], {});
    expect(defaults.breakerHalfOpenMs).toBe(1000);
    expect(defaults.breakerThreshold).toBe(5);
  });

  it('never repeats a POST without an idempotency key, and repeats one with a key', async () => {
    upstream.mode = 'error';
    await expect(client().request({ method: 'POST', path: '/x', body: {} })).rejects.toThrow(
      UpstreamUnavailableError,
    );
    expect(upstream.hits).toBe(1);
    await expect(
      client().request({ method: 'POST', path: '/x', body: {}, idempotencyKey: 'k-1' }),
    ).rejects.toThrow(UpstreamUnavailableError);
    expect(upstream.hits).toBe(1 + 3);
    expect(upstream.lastHeaders?.['idempotency-key']).toBe('k-1');
  });

  it('gives up on a slow upstream within the timeout budget', async () => {
    upstream.mode = 'slow';
    upstream.delayMs = 5000;
    const s = settings({ retries: 1, breakerThreshold: 10 });
    const started = Date.now();
    await expect(client(s).request({ method: 'GET', path: '/slow' })).rejects.toThrow(
      UpstreamUnavailableError,
    );
    const elapsed = Date.now() - started;
    // two attempts of 200 ms plus at most one capped backoff of 1 s
    expect(elapsed).toBeGreaterThanOrEqual(400);
    expect(elapsed).toBeLessThan(2 * 200 + 1000 + 300);
  });

  it('opens the breaker after repeated failures, fails fast, and closes on recovery', async () => {
    const c = client(settings({ retries: 0 }));
    upstream.mode = 'error';
    for (let i = 0; i < 3; i += 1) {
      await expect(c.request({ method: 'GET', path: '/x' })).rejects.toThrow(
        UpstreamUnavailableError,
      );
    }
    expect(upstream.hits).toBe(3);

    const started = Date.now();
    await expect(c.request({ method: 'GET', path: '/x' })).rejects.toThrow(
      UpstreamUnavailableError,
    );
    expect(Date.now() - started).toBeLessThan(50);
    expect(upstream.hits).toBe(3); // open: the upstream was not called

    upstream.mode = 'ok';
    await sleep(350);
    const res = await c.request({ method: 'GET', path: '/x' });
    expect(res.status).toBe(200);
    expect(upstream.hits).toBe(4);
  });
});

describe('a service calling an upstream', () => {
  it('propagates the X-Request-Id it serves, and turns an upstream outage into 503 upstream-unavailable', async () => {
    const upstream = await startFakeUpstream();
    const issuer = await TestTokenIssuer.start();
    const app = await startTestService(
      FixtureModule.forRoot(
        testEnv({
          issuer,
          extra: {
            PRODUCT_SERVICE_URL: upstream.url,
            UPSTREAM_TIMEOUT_MS: '200',
            UPSTREAM_RETRIES: '0',
            LOG_LEVEL: 'error',
          },
        }),
      ),
    );
    try {
      const ok = await request(app.getHttpServer())
        .get('/api/v1/fixture/upstream')
        .set('x-request-id', 'trace-7');
      expect(ok.status).toBe(200);
      expect(upstream.lastHeaders?.['x-request-id']).toBe('trace-7');

      const healthy = await request(app.getHttpServer()).get('/health');
      expect(healthy.status).toBe(200);
      expect(healthy.body.info.product.status).toBe('up');

      upstream.mode = 'slow';
      upstream.delayMs = 2000;
      const down = await request(app.getHttpServer()).get('/api/v1/fixture/upstream');
      expect(down.status).toBe(503);
      expect(down.headers['content-type']).toContain('application/problem+json');
      expect(down.body.type).toMatch(/\/upstream-unavailable$/);
      expect(down.headers['retry-after']).toBe('1');

      upstream.mode = 'error';
      const unhealthy = await request(app.getHttpServer()).get('/health');
      expect(unhealthy.status).toBe(503);
      expect(unhealthy.body.checks.product).toEqual({ status: 'down' });
      expect(JSON.stringify(unhealthy.body)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|\d{4,5}/);
    } finally {
      await app.close();
      await issuer.stop();
      await upstream.stop();
    }
  });
});
