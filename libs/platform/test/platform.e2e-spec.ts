import { setTimeout as sleep } from 'node:timers/promises';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import {
  baseUrlOf,
  TestDatabase,
  TestTokenIssuer,
  captureLogs,
  createTestDatabase,
  startTestService,
  testEnv,
} from '@app/testing';
import { ConfigError, loadPlatformConfig } from '../src';
import { FixtureModule } from './fixture.module';

const SERVICE_KEY = 'order-service-key-0123456789';

describe('platform (every service gets this)', () => {
  let db: TestDatabase;
  let issuer: TestTokenIssuer;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    db = await createTestDatabase('platform');
    issuer = await TestTokenIssuer.start();
    app = await startTestService(
      FixtureModule.forRoot(
        testEnv({
          databaseUrl: db.url,
          issuer,
          serviceKeys: { order: SERVICE_KEY },
          extra: { LOG_LEVEL: 'info', BODY_LIMIT_BYTES: '65536', RATE_LIMIT_PER_MINUTE: '1000' },
        }),
      ),
    );
  });

  afterAll(async () => {
    await app?.close();
    await issuer?.stop();
    await db?.drop();
  });

  const http = () => request(app.getHttpServer());

  const expectProblem = (res: request.Response, status: number) => {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status, type: expect.stringContaining('/problems/') });
    expect(typeof res.body.title).toBe('string');
    expect(typeof res.body.detail).toBe('string');
    expect(typeof res.body.instance).toBe('string');
  };

  it('answers an unknown route with 404 problem+json', async () => {
    const res = await http().get('/api/v1/nowhere');
    expectProblem(res, 404);
    expect(res.body.instance).toBe('/api/v1/nowhere');
  });

  it('answers malformed JSON with 400 problem+json', async () => {
    const res = await http()
      .post('/api/v1/fixture/echo')
      .set('content-type', 'application/json')
      .send('{"name": "a",');
    expectProblem(res, 400);
    expect(res.body.detail).toMatch(/not valid JSON/);
  });

  it('answers a body above the limit with 413 problem+json', async () => {
    const res = await http()
      .post('/api/v1/fixture/echo')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ name: 'x'.repeat(70_000), count: 1 }));
    expectProblem(res, 413);
  });

  it('lists every failing field, and refuses unknown fields', async () => {
    const res = await http()
      .post('/api/v1/fixture/echo')
      .send({ name: 'much too long name', count: -1, id: 'x' });
    expectProblem(res, 400);
    const fields = res.body.errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual(['count', 'id', 'name']);
  });

  it('accepts valid input', async () => {
    const res = await http().post('/api/v1/fixture/echo').send({ name: 'ok', count: 2 });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ name: 'ok', count: 2 });
  });

  it('accepts a trailing slash as SPEC writes collection routes', async () => {
    const res = await http().post('/api/v1/fixture/echo/').send({ name: 'ok', count: 2 });
    expect(res.status).toBe(201);
  });

  it('names a non-UUID path parameter', async () => {
    const res = await http().get('/api/v1/fixture/items/42');
    expectProblem(res, 400);
    expect(res.body.errors).toEqual([{ field: 'id', message: 'id must be a UUID' }]);
  });

  it('never leaks the message, SQL or stack of an unexpected error', async () => {
    const res = await http().get('/api/v1/fixture/boom');
    expectProblem(res, 500);
    expect(JSON.stringify(res.body)).not.toMatch(/SELECT|secret|at .*\.ts|stack/i);
  });

  it('echoes X-Request-Id, generates one when absent, and logs it with the request', async () => {
    const logs = captureLogs();
    let res: request.Response;
    try {
      res = await http()
        .post('/api/v1/fixture/echo')
        .set('x-request-id', 'req-abc-123')
        .send({ name: 'ok', count: 1 });
    } finally {
      logs.restore();
    }
    expect(res.headers['x-request-id']).toBe('req-abc-123');
    const lines = logs.lines().map((line) => JSON.parse(line));
    const handled = lines.find((l) => l.msg === 'echo handled');
    const completed = lines.find(
      (l) => typeof l.msg === 'string' && l.msg.startsWith('POST /api/v1/fixture/echo 201'),
    );
    expect(handled?.request_id).toBe('req-abc-123');
    expect(completed?.request_id).toBe('req-abc-123');

    const generated = await http().get(
      '/api/v1/fixture/items/7d1c1b8e-6a1f-4a39-9b55-2f3b1c4f2a10',
    );
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reports health with the database check', async () => {
    const res = await http().get('/health');
    expect(res.status).toBe(200);
    expect(res.body.info.database.status).toBe('up');
  });

  it('exposes the request histogram by route template, process and pool metrics', async () => {
    await http().get('/api/v1/fixture/items/7d1c1b8e-6a1f-4a39-9b55-2f3b1c4f2a10');
    const res = await http().get('/metrics');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(
      /http_request_duration_seconds_bucket\{le="[\d.]+",method="GET",route="\/api\/v1\/fixture\/items\/:id",status_code="200"\}/,
    );
    expect(res.text).toContain('process_cpu_user_seconds_total');
    expect(res.text).toMatch(/db_pool_connections_idle \d+/);
  });

  it('serves the OpenAPI document and Swagger UI', async () => {
    const json = await http().get('/docs-json');
    expect(json.status).toBe(200);
    expect(json.body.paths['/api/v1/fixture/echo']).toBeDefined();
    const ui = await http().get('/docs');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger');
  });

  describe('auth', () => {
    it('refuses a missing, foreign-signed, expired or wrong-audience token with 401', async () => {
      const bad = [
        undefined,
        await issuer.mint({ role: 'admin', foreignKey: true }),
        await issuer.mint({ role: 'admin', expiresIn: -60 }),
        await issuer.mint({ role: 'admin', audience: 'someone-else' }),
        await issuer.mint({ role: 'admin', issuer: 'http://evil' }),
      ];
      for (const token of bad) {
        const req = http().get('/api/v1/fixture/admin');
        const res = token ? await req.set('authorization', `Bearer ${token}`) : await req;
        expectProblem(res, 401);
      }
    });

    it('refuses an unsigned (alg none) token with 401', async () => {
      const body = Buffer.from(
        JSON.stringify({
          sub: 'x',
          role: 'admin',
          iss: issuer.issuer,
          aud: issuer.audience,
          exp: 9999999999,
        }),
      ).toString('base64url');
      const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
      const res = await http()
        .get('/api/v1/fixture/admin')
        .set('authorization', `Bearer ${header}.${body}.`);
      expectProblem(res, 401);
    });

    it('gives 403 to a customer and 200 to an admin', async () => {
      const customer = await http()
        .get('/api/v1/fixture/admin')
        .set('authorization', `Bearer ${await issuer.customer()}`);
      expectProblem(customer, 403);
      const admin = await http()
        .get('/api/v1/fixture/admin')
        .set('authorization', `Bearer ${await issuer.admin('a-user')}`);
      expect(admin.status).toBe(200);
      expect(admin.body).toEqual({ id: 'a-user', role: 'admin' });
    });

    it('opens service endpoints only to a configured service key, never to a user token', async () => {
      expectProblem(await http().get('/api/v1/fixture/internal'), 401);
      expectProblem(
        await http().get('/api/v1/fixture/internal').set('x-service-key', 'wrong-key-0123456789'),
        401,
      );
      expectProblem(
        await http()
          .get('/api/v1/fixture/internal')
          .set('authorization', `Bearer ${await issuer.admin()}`),
        401,
      );
      const ok = await http().get('/api/v1/fixture/internal').set('x-service-key', SERVICE_KEY);
      expect(ok.status).toBe(200);
    });
  });

  it('reports 503 from /health once its database is gone', async () => {
    await db.drop();
    const res = await http().get('/health');
    expectProblem(res, 503);
    expect(res.body.checks.database.status).toBe('down');
  });
});

describe('platform: rate limit and shutdown', () => {
  let issuer: TestTokenIssuer;
  beforeAll(async () => {
    issuer = await TestTokenIssuer.start();
  });
  afterAll(() => issuer.stop());

  it('answers 429 problem+json with Retry-After past the limit, but never limits service calls', async () => {
    const app = await startTestService(
      FixtureModule.forRoot(
        testEnv({
          issuer,
          serviceKeys: { order: SERVICE_KEY },
          extra: { RATE_LIMIT_PER_MINUTE: '3' },
        }),
      ),
    );
    try {
      const statuses: number[] = [];
      let last: request.Response | undefined;
      for (let i = 0; i < 5; i += 1) {
        last = await request(app.getHttpServer()).get(
          '/api/v1/fixture/items/7d1c1b8e-6a1f-4a39-9b55-2f3b1c4f2a10',
        );
        statuses.push(last.status);
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      expect(last?.headers['content-type']).toContain('application/problem+json');
      expect(Number(last?.headers['retry-after'])).toBeGreaterThan(0);
      for (let i = 0; i < 5; i += 1) {
        const internal = await request(app.getHttpServer())
          .get('/api/v1/fixture/internal')
          .set('x-service-key', SERVICE_KEY);
        expect(internal.status).toBe(200);
      }
    } finally {
      await app.close();
    }
  });

  it('drains an in-flight request on close, then refuses new connections', async () => {
    const app = await startTestService(FixtureModule.forRoot(testEnv({ issuer })), {
      listen: true,
    });
    const url = await baseUrlOf(app);
    const inFlight = fetch(`${url}/api/v1/fixture/slow`);
    await sleep(100);
    await app.close();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ done: true });
    await expect(fetch(`${url}/api/v1/fixture/slow`)).rejects.toThrow();
  });
});

describe('configuration', () => {
  it('names a missing or malformed variable', () => {
    expect(() => loadPlatformConfig({ service: 'product', env: {}, database: true })).toThrow(
      /DATABASE_URL/,
    );
    expect(() =>
      loadPlatformConfig({
        service: 'product',
        env: { DATABASE_URL: 'postgres://x@h/db', DB_POOL_MAX: 'lots' },
        database: true,
      }),
    ).toThrow(/DB_POOL_MAX/);
    expect(() =>
      loadPlatformConfig({
        service: 'product',
        env: { BACKEND_CORS_ORIGINS: 'http://a' },
        database: false,
      }),
    ).toThrow(ConfigError);
  });

  it('defaults the port to the SPEC port of the service', () => {
    expect(loadPlatformConfig({ service: 'cart', env: {}, database: false }).port).toBe(8003);
  });
});
