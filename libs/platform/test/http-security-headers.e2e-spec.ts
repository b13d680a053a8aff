import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { InjectOptions } from 'fastify';
import fc from 'fast-check';
import { TestTokenIssuer, startTestService, testEnv } from '@app/testing';
import { FixtureModule } from './fixture.module';
import { portOf, rawExchange } from './http-raw-client';

const SERVICE_KEY = 'order-service-key-0123456789';
const ITEM = '/api/v1/fixture/items/7d1c1b8e-6a1f-4a39-9b55-2f3b1c4f2a10';

describe('security headers (http)', () => {
  let issuer: TestTokenIssuer;
  let app: NestFastifyApplication;
  let admin: string;
  let customer: string;

  beforeAll(async () => {
    issuer = await TestTokenIssuer.start();
    admin = await issuer.admin();
    customer = await issuer.customer();
    app = await startTestService(
      FixtureModule.forRoot(
        testEnv({
          issuer,
          serviceKeys: { order: SERVICE_KEY },
          extra: { RATE_LIMIT_PER_MINUTE: '1000000', BODY_LIMIT_BYTES: '4096' },
        }),
      ),
      { listen: true },
    );
  });

  afterAll(async () => {
    await app?.close();
    await issuer?.stop();
  });

  const inject = (options: InjectOptions) => app.getHttpAdapter().getInstance().inject(options);

  // requests answered 2xx, 400, 401, 403, 404, 405, 413, 414, 415 and 500
  const requests: InjectOptions[] = [
    { method: 'GET', url: ITEM },
    { method: 'GET', url: '/api/v1/fixture/admin' },
    { method: 'GET', url: '/api/v1/fixture/internal' },
    { method: 'GET', url: '/api/v1/fixture/items/42' },
    { method: 'GET', url: '/api/v1/nowhere' },
    { method: 'DELETE', url: '/api/v1/fixture/echo' },
    { method: 'GET', url: `/api/v1/fixture/items/${'x'.repeat(300)}` },
    { method: 'GET', url: '/api/v1/fixture/boom' },
    { method: 'GET', url: '/health' },
    {
      method: 'POST',
      url: '/api/v1/fixture/echo',
      headers: { 'content-type': 'application/json' },
      payload: '{"name":"ok","count":1}',
    },
    {
      method: 'POST',
      url: '/api/v1/fixture/echo',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'x'.repeat(5000) }),
    },
    {
      method: 'POST',
      url: '/api/v1/fixture/echo',
      headers: { 'content-type': 'text/csv' },
      payload: 'a,b',
    },
  ];
  const credential = fc.oneof(
    fc.constant<[string, () => string]>(['authorization', () => `Bearer ${admin}`]),
    fc.constant<[string, () => string]>(['authorization', () => `Bearer ${customer}`]),
    fc.constant<[string, () => string]>(['x-service-key', () => SERVICE_KEY]),
    fc
      .tuple(
        fc.constantFrom('authorization', 'x-service-key'),
        fc.string({
          unit: fc.constantFrom(...'abcXYZ0189.-_ '.split('')),
          minLength: 1,
          maxLength: 80,
        }),
      )
      .map(([name, value]): [string, () => string] => [name, () => value.trim() || 'x']),
  );

  it('sends Cache-Control: no-store on every answer to a request with credentials', async () => {
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...requests), credential, async (req, [name, value]) => {
        const res = await inject({ ...req, headers: { ...req.headers, [name]: value() } });
        statuses.add(res.statusCode);
        expect(res.headers['cache-control']).toBe('no-store');
      }),
      { numRuns: 150, seed: 5 },
    );
    // the generated requests did cover successes and errors alike
    expect([...statuses].sort()).toEqual(
      expect.arrayContaining([200, 201, 400, 401, 403, 404, 405, 413, 414, 415, 500]),
    );
  });

  it('leaves anonymous answers cacheable by default (no no-store on them)', async () => {
    // (the router's own errors and /health, whose terminus sets its own, always say no-store)
    const anonymous = requests.filter(
      (r) => !String(r.url).includes('x'.repeat(300)) && r.url !== '/health',
    );
    for (const req of anonymous) {
      const res = await inject(req);
      expect(res.headers['cache-control']).toBeUndefined();
    }
  });

  it('sends no-store on answers the HTTP parser writes itself', async () => {
    const res = await rawExchange(
      portOf(app.getHttpServer()),
      `GET /health HTTP/1.1\r\nAuthorization: Bearer x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`,
    );
    expect(res.status).toBe(431);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it("carries helmet's whole set on every answer (computed once at start, the same as helmet sets)", async () => {
    const expected = {
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
      'origin-agent-cluster': '?1',
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
      'x-dns-prefetch-control': 'off',
      'x-download-options': 'noopen',
      'x-frame-options': 'SAMEORIGIN',
      'x-permitted-cross-domain-policies': 'none',
      'x-xss-protection': '0',
    };
    for (const req of requests) {
      const res = await inject(req);
      // 414 is answered by the router before any hook runs (its own minimal set)
      if (res.statusCode === 414) continue;
      expect({ url: req.url, headers: res.headers }).toEqual({
        url: req.url,
        headers: expect.objectContaining(expected),
      });
    }
  });

  describe('content security policy', () => {
    const directives = (csp: unknown) =>
      String(csp)
        .split(';')
        .map((d) => d.trim())
        .filter(Boolean);

    it('keeps the API strict: nothing loads, nothing frames it, no upgrade, no HSTS', async () => {
      for (const req of requests) {
        const res = await inject(req);
        const csp = directives(res.headers['content-security-policy']);
        expect(csp).toEqual(
          expect.arrayContaining([`default-src 'none'`, `frame-ancestors 'none'`]),
        );
        expect(csp.join(';')).not.toMatch(/upgrade-insecure-requests|'self'|unsafe/);
        expect(res.headers['strict-transport-security']).toBeUndefined();
      }
    });

    it('lets Swagger UI render over plain HTTP from any host', async () => {
      for (const host of ['localhost:8000', '192.168.1.20:8000', 'shop-vm.lan']) {
        const page = await inject({ method: 'GET', url: '/docs', headers: { host } });
        expect(page.statusCode).toBe(200);
        const csp = directives(page.headers['content-security-policy']);
        expect(csp).not.toContain('upgrade-insecure-requests');
        expect(csp).toEqual(
          expect.arrayContaining([`script-src 'self'`, `connect-src 'self'`, `default-src 'self'`]),
        );
        expect(page.headers['strict-transport-security']).toBeUndefined();

        // every script is a same-origin file (script-src 'self' forbids inline ones) and every
        // asset the page names is served, over the same scheme, under the same policy
        const html = page.body;
        const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
        expect(scripts.length).toBeGreaterThan(0);
        for (const attributes of scripts) expect(attributes).toMatch(/\ssrc=/);
        expect(html).not.toMatch(/(src|href)=["']https?:/);
        const assets = [...html.matchAll(/(?:src|href)=["']\.?\/?([^"']+)["']/g)].map((m) => m[1]);
        expect(assets).toEqual(
          expect.arrayContaining([expect.stringMatching(/swagger-ui-bundle\.js$/)]),
        );
        for (const asset of assets) {
          const res = await inject({ method: 'GET', url: `/${asset}`, headers: { host } });
          expect({ asset, status: res.statusCode }).toEqual({ asset, status: 200 });
          expect(String(res.headers['content-security-policy'])).not.toMatch(
            /upgrade-insecure-requests/,
          );
          expect(String(res.headers['content-security-policy'])).toContain(`script-src 'self'`);
        }
      }
      const document = await inject({ method: 'GET', url: '/docs-json' });
      expect(document.statusCode).toBe(200);
      expect(document.json().openapi).toMatch(/^3\./);
    });
  });
});
