import http from 'node:http';
import net from 'node:net';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { TcpProxy, createTestDatabase, startTestService, testEnv } from '@app/testing';
import type { TestDatabase } from '@app/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FuzzPlatform, SERVICES, SERVICE_KEYS } from '../fuzz/fuzz-platform';
import { ProductModule } from '../../services/product/src/product.module';
import { UPSTREAMS } from '../../services/gateway/src/upstreams';
import { GATEWAY_KEY, RunningGateway, startGateway } from './gateway-under-test';

/**
 * The edge over the seven real services (in process, real HTTP): what it routes answers as the
 * service does, what it hides is 404 (the list read from each service's own /docs-json), and
 * its own behaviour: request ids, CORS, body limit, upstream failures, /health, the docs
 * portal, the edge rate limit, and the client IP the services trust only with the edge key.
 */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
const ORIGIN = 'https://shop.example';
const A_UUID = '6f1c1e1a-0000-4000-8000-000000000001';

let platform: FuzzPlatform;
let gateway: RunningGateway;
const upstreamUrls: Record<string, string> = {};
const documents: Record<string, Json> = {};
const started: Array<{ close: () => Promise<unknown> }> = [];

const withParams = (path: string) => path.replace(/\{[^}]+\}/g, A_UUID);

async function call(url: string, init: RequestInit = {}) {
  const response = await fetch(url, init);
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    json: (): Json => JSON.parse(text) as Json,
  };
}

/** Every (method, path) of a service's own document that a client must not reach. */
function hiddenOperations(name: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [path, item] of Object.entries((documents[name].paths ?? {}) as Json)) {
    for (const method of METHODS.filter((m) => (item as Json)[m])) {
      const op = (item as Json)[method] as Json;
      const security = (op.security ?? []) as Json[];
      const serviceOnly =
        security.length > 0 &&
        security.every((entry) => Object.keys(entry).includes('service-key'));
      // (/health is the gateway's own: its answer is the edge's, tested below)
      const operational = /^\/metrics|\/(internal|admin)\//.test(path);
      if (serviceOnly || operational) out.push([method.toUpperCase(), path]);
    }
  }
  return out;
}

beforeAll(async () => {
  platform = await FuzzPlatform.start();
  for (const name of SERVICES) upstreamUrls[name] = platform.url(name);
  for (const name of SERVICES) {
    documents[name] = (await call(`${upstreamUrls[name]}/docs-json`)).json();
  }
  gateway = await startGateway(upstreamUrls, { CORS_ORIGINS: ORIGIN, BODY_LIMIT_BYTES: '4096' });
  started.push(gateway);
}, 240_000);

afterAll(async () => {
  for (const server of started.reverse()) await server.close().catch(() => undefined);
  await platform?.stop();
}, 60_000);

// first: the Redis outage case leaves a reconnection timer of ioredis to run out (see below)
describe('rate limit at the edge, shared through Redis', () => {
  it('two gateways with the same REDIS_URL share one budget per client', async () => {
    const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    // a clean slate for this client (the window is a minute: a rerun must not inherit it)
    const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    const stale = await redis.keys('gateway-edge:*127.0.0.1*');
    if (stale.length > 0) await redis.del(...stale);
    await redis.quit();
    const env = { EDGE_RATE_LIMIT_PER_MINUTE: '4', REDIS_URL: redisUrl };
    const first = await startGateway(upstreamUrls, env);
    started.push(first);
    const second = await startGateway(upstreamUrls, env);
    started.push(second);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const edge = i % 2 === 0 ? first : second;
      statuses.push((await call(`${edge.url}/api/v1/products/`)).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
  });

  it('with Redis unreachable the edge still serves (the services keep their own limits)', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const edge = await startGateway(upstreamUrls, {
      EDGE_RATE_LIMIT_PER_MINUTE: '1',
      REDIS_URL: `redis://127.0.0.1:${port}`,
    });
    try {
      for (let i = 0; i < 3; i++) {
        expect((await call(`${edge.url}/api/v1/products/`)).status).toBe(200);
      }
    } finally {
      // closed here: ioredis lets a timer of its reconnection run out (up to 2 s) after
      // disconnect, which the suites after this one outlast
      await edge.close();
    }
  }, 20_000);
});

describe('routing', () => {
  it('every public GET of each service answers through the gateway exactly as direct', async () => {
    const token = await platform.issuer.customer(randomUUID());
    let compared = 0;
    for (const { name } of UPSTREAMS) {
      const filtered = (await call(`${gateway.url}/docs/${name}.json`)).json();
      for (const [path, item] of Object.entries(filtered.paths as Json)) {
        for (const method of ['get'].filter((m) => (item as Json)[m])) {
          for (const auth of [{}, { authorization: `Bearer ${token}` }] as Array<
            Record<string, string>
          >) {
            const headers = { ...auth, 'x-request-id': `cmp-${compared}` };
            const url = withParams(path);
            const direct = await call(`${upstreamUrls[name]}${url}`, { method, headers });
            const edge = await call(`${gateway.url}${url}`, { method, headers });
            expect({ name, path, status: edge.status, body: edge.text }).toEqual({
              name,
              path,
              status: direct.status,
              body: direct.text,
            });
            expect(edge.headers.get('content-type')).toBe(direct.headers.get('content-type'));
            compared++;
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(20);
  });

  it('a POST body goes through byte for byte (the same 400 as direct)', async () => {
    const bodies = ['{"email":"not-an-email","password":1}', '{"unknown_field":true}', '{'];
    for (const body of bodies) {
      const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body };
      const direct = await call(`${upstreamUrls.user}/api/v1/users/`, init);
      const edge = await call(`${gateway.url}/api/v1/users/`, init);
      expect(edge.status).toBe(400);
      expect(edge.text).toBe(direct.text);
    }
  });

  it('every internal, service-key, metrics and admin route of each service is 404 through it', async () => {
    let checked = 0;
    for (const name of SERVICES) {
      const hidden = hiddenOperations(name);
      for (const [method, path] of hidden) {
        const headers: Record<string, string> = { 'x-service-key': SERVICE_KEYS.order };
        if (method !== 'GET') headers['content-type'] = 'application/json';
        const res = await call(`${gateway.url}${withParams(path)}`, {
          method,
          headers,
          body: method === 'GET' ? undefined : '{}',
        });
        expect({ name, method, path, status: res.status }).toEqual({
          name,
          method,
          path,
          status: 404,
        });
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        expect(res.json()).toMatchObject({ status: 404, title: 'Not Found' });
        checked++;
      }
    }
    // every service has at least /metrics and the outbox or token-state routes
    expect(checked).toBeGreaterThanOrEqual(SERVICES.length * 2);
    const tricks = [
      '/metrics',
      '/api/v1/internal/events',
      '/api/v1/admin/outbox',
      // under a public prefix: hidden segments, encoded dot segments, other cases
      '/api/v1/products/%2e%2e/internal/users/x',
      '/api/v1/users/%2E%2E/%2E%2E/metrics',
      `/api/v1/orders/${A_UUID}/../../internal/orders/${A_UUID}`.replace(/\.\./g, '%2e%2e'),
      '/api/v1/users/Internal/x',
      '/API/v1/internal/users/x',
    ];
    for (const path of tricks) {
      expect({ path, status: (await call(`${gateway.url}${path}`)).status }).toEqual({
        path,
        status: 404,
      });
    }
  });

  it('a client x-service-key is stripped: a user-or-service route then wants a token', async () => {
    // order-validation takes payment's key or a bearer token on its results
    const path = `/api/v1/validations/${A_UUID}`;
    const headers = { 'x-service-key': SERVICE_KEYS.payment };
    const direct = await call(`${upstreamUrls['order-validation']}${path}`, { headers });
    expect(direct.status).not.toBe(401);
    const edge = await call(`${gateway.url}${path}`, { headers });
    expect(edge.status).toBe(401);
  });

  it('a client x-service-key never reaches a service', async () => {
    // order may reserve stock directly; through the edge the route does not even exist
    const res = await call(`${gateway.url}/api/v1/stock/reservations`, {
      method: 'POST',
      headers: { 'x-service-key': SERVICE_KEYS.order, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(404);
  });
});

describe('what an upstream receives', () => {
  it('the edge key, the socket IP as X-Forwarded-For, the request id; no client credentials of the platform', async () => {
    const seen: Array<{ headers: http.IncomingHttpHeaders; url?: string; body: string }> = [];
    const recorder = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        seen.push({ headers: req.headers, url: req.url, body: Buffer.concat(chunks).toString() });
        res.setHeader('content-type', 'application/json');
        res.setHeader('access-control-allow-origin', '*');
        res.end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
    started.push({ close: () => new Promise((resolve) => recorder.close(resolve)) });
    const port = (recorder.address() as net.AddressInfo).port;
    const edge = await startGateway({ ...upstreamUrls, payment: `http://127.0.0.1:${port}` });
    started.push(edge);

    // bytes JSON.parse would not give back as sent: duplicate keys, spacing, a long number
    const body = '{"a": 1,  "a": 2, "n": 1234567890123456789012, "s": "\u00e9"}';
    const res = await call(`${edge.url}/api/v1/payments/process?x=1`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: 'Bearer client-token',
        'x-service-key': SERVICE_KEYS.order,
        'x-edge-key': 'forged-edge-key-0001',
        'x-forwarded-for': '198.51.100.77',
        forwarded: 'for=198.51.100.77',
        'x-real-ip': '198.51.100.77',
        'x-request-id': 'bad id with spaces',
      },
      body,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const [received] = seen;
    expect(received.url).toBe('/api/v1/payments/process?x=1');
    expect(received.body).toBe(body);
    expect(received.headers.authorization).toBe('Bearer client-token');
    expect(received.headers['x-edge-key']).toBe(GATEWAY_KEY);
    expect(received.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(received.headers['x-service-key']).toBeUndefined();
    expect(received.headers.forwarded).toBeUndefined();
    expect(received.headers['x-real-ip']).toBeUndefined();
    const id = received.headers['x-request-id'];
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('x-request-id')).toBe(id);
  });
});

describe('edge behaviour', () => {
  it('generates X-Request-Id when missing or invalid, keeps a valid one', async () => {
    const given = await call(`${gateway.url}/api/v1/products/`, {
      headers: { 'x-request-id': 'client-id_1.2:3' },
    });
    expect(given.headers.get('x-request-id')).toBe('client-id_1.2:3');
    for (const bad of [undefined, 'has space', 'x'.repeat(129), 'semi;colon']) {
      const res = await call(`${gateway.url}/api/v1/products/`, {
        headers: bad === undefined ? {} : { 'x-request-id': bad },
      });
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
    const notFound = await call(`${gateway.url}/nowhere`);
    expect(notFound.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers a CORS preflight for the configured origin only', async () => {
    const preflight = (origin: string) =>
      call(`${gateway.url}/api/v1/products/`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type',
        },
      });
    const allowed = await preflight(ORIGIN);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(allowed.headers.get('access-control-allow-methods')).toContain('POST');
    const other = await preflight('https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const simple = await call(`${gateway.url}/api/v1/products/`, { headers: { origin: ORIGIN } });
    expect(simple.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(simple.headers.get('access-control-expose-headers')).toContain('x-request-id');
  });

  it('refuses a body over BODY_LIMIT_BYTES with 413 problem+json', async () => {
    for (const size of [4097, 20_000]) {
      const res = await call(`${gateway.url}/api/v1/users/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'a@b.example', password: 'x'.repeat(size) }),
      });
      expect(res.status).toBe(413);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.json()).toMatchObject({
        status: 413,
        type: expect.stringMatching(/payload-too-large$/),
      });
    }
  });

  it('/docs lists the seven; each document is public only and points at the gateway', async () => {
    const page = await call(`${gateway.url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const script = (await call(`${gateway.url}/docs/portal.js`)).text;
    for (const { name } of UPSTREAMS) expect(script).toContain(`/docs/${name}.json`);
    expect(script).toContain('persistAuthorization: true');
    expect((await call(`${gateway.url}/docs/assets/swagger-ui-bundle.js`)).status).toBe(200);
    for (const { name } of UPSTREAMS) {
      const res = await call(`${gateway.url}/docs/${name}.json`);
      expect(res.status).toBe(200);
      const doc = res.json();
      expect(doc.servers).toEqual([{ url: '/', description: 'this gateway' }]);
      expect(Object.keys(doc.paths).length).toBeGreaterThan(0);
      const hidden = new Set(hiddenOperations(name).map(([m, p]) => `${m} ${p}`));
      for (const [path, item] of Object.entries(doc.paths as Json)) {
        expect(path).not.toMatch(/internal|metrics|admin|\/health/);
        for (const method of METHODS.filter((m) => (item as Json)[m])) {
          expect(hidden.has(`${method.toUpperCase()} ${path}`)).toBe(false);
        }
      }
      // and nothing public is missing: every other operation of the service's own document is
      // there (a new public controller the edge does not route would fail here)
      for (const [path, item] of Object.entries(documents[name].paths as Json)) {
        if (path === '/health') continue;
        for (const method of METHODS.filter((m) => (item as Json)[m])) {
          if (hidden.has(`${method.toUpperCase()} ${path}`)) continue;
          expect({ name, method, path, kept: !!doc.paths[path]?.[method] }).toEqual({
            name,
            method,
            path,
            kept: true,
          });
        }
      }
      expect(JSON.stringify(doc)).not.toContain('service-key');
      const bearer = Object.values((doc.components?.securitySchemes ?? {}) as Json).find(
        (s) => s.scheme === 'bearer',
      );
      if (bearer) expect(bearer.description).toContain('POST /api/v1/auth/login');
    }
    // public paths that merely contain a word like "events" stay
    const order = (await call(`${gateway.url}/docs/order.json`)).json();
    expect(Object.keys(order.paths)).toContain('/api/v1/orders/{id}/events');
    const user = (await call(`${gateway.url}/docs/user.json`)).json();
    expect(user.info.description).toContain('The order flow');
    expect((await call(`${gateway.url}/docs/nope.json`)).status).toBe(404);
  });
});

describe('upstream failures', () => {
  it('/health is 200 with all up, then 503 naming the stopped one; its routes 503 problem', async () => {
    const proxy = await TcpProxy.start({
      host: '127.0.0.1',
      port: Number(new URL(upstreamUrls.product).port),
    });
    started.push({ close: () => proxy.stop() });
    const edge = await startGateway({
      ...upstreamUrls,
      product: `http://127.0.0.1:${proxy.port}`,
    });
    started.push(edge);
    const up = await call(`${edge.url}/health`);
    expect(up.status).toBe(200);
    expect(up.json()).toMatchObject({ status: 'ok', down: [] });
    expect(Object.values(up.json().upstreams as Json).every((u) => u.status === 'up')).toBe(true);

    await proxy.cut();
    const down = await call(`${edge.url}/health`);
    expect(down.status).toBe(503);
    expect(down.json()).toMatchObject({ status: 'error', down: ['product'] });
    const route = await call(`${edge.url}/api/v1/products/`);
    expect(route.status).toBe(503);
    expect(route.headers.get('content-type')).toContain('application/problem+json');
    expect(route.json()).toMatchObject({
      status: 503,
      type: expect.stringMatching(/upstream-unavailable$/),
    });
    expect(route.text).not.toMatch(/ECONNREFUSED|at |fastify|undici/i);
    const docs = await call(`${edge.url}/docs/product.json`);
    expect(docs.status).toBe(503);
    await proxy.restore();
    expect((await call(`${edge.url}/health`)).status).toBe(200);
  });

  it('an upstream that never answers is 504 problem+json after UPSTREAM_TIMEOUT_MS', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    started.push({
      close: async () => {
        for (const s of sockets) s.destroy();
        await new Promise((resolve) => silent.close(resolve));
      },
    });
    const port = (silent.address() as net.AddressInfo).port;
    const edge = await startGateway(
      { ...upstreamUrls, cart: `http://127.0.0.1:${port}` },
      { UPSTREAM_TIMEOUT_MS: '300' },
    );
    started.push(edge);
    const started_ = Date.now();
    const res = await call(`${edge.url}/api/v1/carts/${A_UUID}`);
    expect(res.status).toBe(504);
    expect(res.json()).toMatchObject({
      status: 504,
      type: expect.stringMatching(/gateway-timeout$/),
    });
    expect(Date.now() - started_).toBeLessThan(5000);
  });
});

describe('rate limit at the edge', () => {
  it('answers 429 problem+json with Retry-After once a client is over the limit', async () => {
    const edge = await startGateway(upstreamUrls, { EDGE_RATE_LIMIT_PER_MINUTE: '5' });
    started.push(edge);
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 7; i++) {
      last = await call(`${edge.url}/api/v1/products/`, {
        // a forged X-Forwarded-For does not buy a fresh budget at the edge
        headers: { 'x-forwarded-for': `198.51.100.${i}` },
      });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect(last!.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(last!.headers.get('content-type')).toContain('application/problem+json');
    expect(last!.json()).toMatchObject({
      status: 429,
      type: expect.stringMatching(/rate-limited$/),
    });
  });
});

describe('client IP through the gateway', () => {
  let product: NestFastifyApplication;
  let db: TestDatabase;
  let productUrl: string;
  let edge: RunningGateway;

  beforeAll(async () => {
    db = await createTestDatabase('gateway_client_ip');
    const env = testEnv({
      databaseUrl: db.url,
      issuer: platform.issuer,
      // the gateway's key among the callers this service knows, as scripts/lib/env.mjs gives it
      serviceKeys: { order: SERVICE_KEYS.order, gateway: GATEWAY_KEY },
      extra: { RATE_LIMIT_PER_MINUTE: '5', OUTBOX_RELAY_ENABLED: 'false', LOG_LEVEL: 'fatal' },
    });
    product = await startTestService(ProductModule.forRoot(env), { listen: true });
    productUrl = (await product.getUrl()).replace('[::1]', '127.0.0.1');
    edge = await startGateway({ ...upstreamUrls, product: productUrl });
  }, 120_000);

  afterAll(async () => {
    await edge?.close();
    await product?.close();
    await db?.drop();
  });

  const remaining = async (url: string, headers: Record<string, string>) => {
    const res = await call(`${url}/api/v1/products/`, { headers });
    return res.headers.get('x-ratelimit-remaining');
  };

  it('counts X-Forwarded-For only when the edge key vouches for it; a spoof counts the socket', async () => {
    // through the gateway: the client's forged header is replaced by its socket IP, vouched for
    expect(await remaining(edge.url, { 'x-forwarded-for': '203.0.113.1' })).toBe('4');
    // direct, with the gateway's key: 203.0.113.1 has its own budget
    expect(
      await remaining(productUrl, { 'x-edge-key': GATEWAY_KEY, 'x-forwarded-for': '203.0.113.1' }),
    ).toBe('4');
    expect(
      await remaining(productUrl, { 'x-edge-key': GATEWAY_KEY, 'x-forwarded-for': '203.0.113.1' }),
    ).toBe('3');
    // spoofs: no key, a wrong key, another service's key, the gateway key as a service key.
    // Each counts against the socket's budget, already used once by the gateway's request.
    const spoofs: Array<Record<string, string>> = [
      { 'x-forwarded-for': '203.0.113.2' },
      { 'x-forwarded-for': '203.0.113.3', 'x-edge-key': 'not-the-gateway-key-0001' },
      { 'x-forwarded-for': '203.0.113.4', 'x-edge-key': SERVICE_KEYS.order },
      { 'x-forwarded-for': '203.0.113.5', 'x-service-key': GATEWAY_KEY },
    ];
    const seen = [];
    for (const headers of spoofs) seen.push(await remaining(productUrl, headers));
    expect(seen).toEqual(['3', '2', '1', '0']);
    const blocked = await call(`${productUrl}/api/v1/products/`, {
      headers: { 'x-forwarded-for': '203.0.113.6' },
    });
    expect(blocked.status).toBe(429);
    // the trusted path still has budget left for its own addresses
    expect(
      await remaining(productUrl, { 'x-edge-key': GATEWAY_KEY, 'x-forwarded-for': '203.0.113.9' }),
    ).toBe('4');
  });

  it("the gateway's key opens no service-to-service route", async () => {
    const res = await call(`${productUrl}/api/v1/stock/reservations`, {
      method: 'POST',
      headers: {
        'x-service-key': GATEWAY_KEY,
        'content-type': 'application/json',
        // a budget of its own, so that the answer is the guard's and not the rate limit's
        'x-edge-key': GATEWAY_KEY,
        'x-forwarded-for': '203.0.113.50',
      },
      body: JSON.stringify({ order_id: A_UUID, items: [] }),
    });
    expect(res.status).toBe(401);
  });
});

describe('behind a proxy of its own (TRUSTED_PROXIES: an ingress controller, a load balancer)', () => {
  /** An upstream that answers 200 and keeps the X-Forwarded-For each request brought. */
  async function forwardedForRecorder(): Promise<{ url: string; seen: string[] }> {
    const seen: string[] = [];
    const recorder = http.createServer((req, res) => {
      seen.push(String(req.headers['x-forwarded-for']));
      req.resume();
      res.setHeader('content-type', 'application/json');
      res.end('{"items":[]}');
    });
    await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
    started.push({ close: () => new Promise((resolve) => recorder.close(resolve)) });
    return { url: `http://127.0.0.1:${(recorder.address() as net.AddressInfo).port}`, seen };
  }

  it('takes the client from a trusted proxy’s X-Forwarded-For: forwarded to the service, limited per client', async () => {
    const upstream = await forwardedForRecorder();
    // this test's requests come from 127.0.0.1: here, the trusted proxy
    const edge = await startGateway(
      { ...upstreamUrls, product: upstream.url },
      { TRUSTED_PROXIES: '10.0.0.0/8,127.0.0.1', EDGE_RATE_LIMIT_PER_MINUTE: '3' },
    );
    started.push(edge);
    const get = (client: string) =>
      call(`${edge.url}/api/v1/products/`, { headers: { 'x-forwarded-for': client } }).then(
        (r) => r.status,
      );
    const first = [];
    for (let i = 0; i < 4; i += 1) first.push(await get('203.0.113.10'));
    const second = [];
    for (let i = 0; i < 3; i += 1) second.push(await get('203.0.113.20'));
    // a client-supplied chain: the proxy appended the real address last, that one counts
    const chained = await get('198.51.100.1, 203.0.113.30');
    expect(first).toEqual([200, 200, 200, 429]);
    expect(second).toEqual([200, 200, 200]);
    expect(chained).toBe(200);
    expect(upstream.seen).toEqual([
      ...Array.from({ length: 3 }, () => '203.0.113.10'),
      ...Array.from({ length: 3 }, () => '203.0.113.20'),
      '203.0.113.30',
    ]);
  });

  it('ignores X-Forwarded-For from an address it does not trust', async () => {
    const upstream = await forwardedForRecorder();
    const edge = await startGateway(
      { ...upstreamUrls, product: upstream.url },
      { TRUSTED_PROXIES: '10.0.0.0/8' },
    );
    started.push(edge);
    const res = await call(`${edge.url}/api/v1/products/`, {
      headers: { 'x-forwarded-for': '203.0.113.10' },
    });
    expect(res.status).toBe(200);
    expect(upstream.seen).toEqual(['127.0.0.1']);
  });
});
