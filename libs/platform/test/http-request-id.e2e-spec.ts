import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import fc from 'fast-check';
import request from 'supertest';
import { captureLogs, startTestService, testEnv } from '@app/testing';
import { Logger } from '@nestjs/common';
import { ACCEPTABLE_REQUEST_ID, runWithRequestId } from '../src';
import { FakeUpstream, startFakeUpstream } from './fake-upstream';
import { FixtureModule } from './fixture.module';

const ID_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:-'.split('');
// printable ASCII a header may carry but an id may not
const FOREIGN_CHARS = ` !"#$%&'()*+,/;<=>?@[\\]^\`{|}~`.split('');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const validId = fc.string({ unit: fc.constantFrom(...ID_CHARS), minLength: 1, maxLength: 128 });
const invalidId = fc.oneof(
  // a foreign character somewhere
  fc
    .tuple(
      fc.string({ unit: fc.constantFrom(...ID_CHARS), maxLength: 60 }),
      fc.string({ unit: fc.constantFrom(...FOREIGN_CHARS), minLength: 1, maxLength: 10 }),
      fc.string({ unit: fc.constantFrom(...ID_CHARS), maxLength: 60 }),
    )
    .map(([a, b, c]) => `${a}${b}${c}`)
    // header values lose surrounding spaces on the wire; keep a foreign character inside
    .filter((id) => id.trim().length > 0 && !ACCEPTABLE_REQUEST_ID.test(id.trim())),
  // too long, up to 10 kB
  fc.string({ unit: fc.constantFrom(...ID_CHARS), minLength: 129, maxLength: 10_000 }),
  fc.constantFrom('<script>alert(1)</script>', '"quoted"', 'a b'),
);

describe('X-Request-Id: one whitelisted id in the response, the logs and outbound calls', () => {
  let upstream: FakeUpstream;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    app = await startTestService(
      FixtureModule.forRoot(
        testEnv({
          extra: {
            LOG_LEVEL: 'info',
            PRODUCT_SERVICE_URL: upstream.url,
            RATE_LIMIT_PER_MINUTE: '1000000',
          },
        }),
      ),
    );
  });

  afterAll(async () => {
    await app?.close();
    await upstream?.stop();
  });

  /** Calls a route that calls the upstream; returns what each of the three places saw. */
  async function traced(sent: string) {
    const logs = captureLogs();
    let res: request.Response;
    try {
      res = await request(app.getHttpServer())
        .get('/api/v1/fixture/upstream')
        .set('x-request-id', sent);
    } finally {
      logs.restore();
    }
    expect(res.status).toBe(200);
    const lines = logs
      .lines()
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { request_id?: string; msg?: string });
    const completed = lines.find((l) => l.msg?.startsWith('GET /api/v1/fixture/upstream 200'));
    return {
      response: res.headers['x-request-id'] as string,
      outbound: upstream.lastHeaders?.['x-request-id'],
      logged: completed?.request_id,
      logText: logs.text(),
    };
  }

  it('keeps any id matching [A-Za-z0-9_.:-]{1,128} everywhere', async () => {
    await fc.assert(
      fc.asyncProperty(validId, async (id) => {
        const seen = await traced(id);
        expect(seen).toMatchObject({ response: id, outbound: id, logged: id });
      }),
      { numRuns: 40, seed: 128 },
    );
  });

  it('replaces any other id with one UUID, used everywhere, never echoing the input', async () => {
    await fc.assert(
      fc.asyncProperty(invalidId, async (id) => {
        const seen = await traced(id);
        expect(seen.response).toMatch(UUID);
        expect(seen.outbound).toBe(seen.response);
        expect(seen.logged).toBe(seen.response);
        if (id.trim().length >= 6) expect(seen.logText).not.toContain(id.trim());
      }),
      { numRuns: 60, seed: 129 },
    );
  });

  it('gives each of many concurrent requests with a body its own id on its outbound call', async () => {
    upstream.received.length = 0;
    const names = Array.from({ length: 30 }, (_, i) => `n${i}`);
    const responses = await Promise.all(
      names.map((name) =>
        request(app.getHttpServer())
          .post('/api/v1/fixture/upstream')
          .set('x-request-id', `id-${name}`)
          .send({ name, count: 1 }),
      ),
    );
    expect(responses.map((res) => res.status)).toEqual(names.map(() => 201));
    // the id the upstream saw belongs to the request whose body it carries
    const pairs = upstream.received.map((r) => [r.requestId, `id-${String(r.body?.name)}`]);
    expect(pairs).toHaveLength(names.length);
    for (const [seen, expected] of pairs) expect(seen).toBe(expected);
  });

  it('logs background work under its own id, and request lines with theirs only once', async () => {
    const logs = captureLogs();
    try {
      await runWithRequestId('job-7', async () => new Logger('Job').warn('pass failed'));
      new Logger('Job').warn('outside any work');
      await request(app.getHttpServer())
        .post('/api/v1/fixture/echo')
        .set('x-request-id', 'req-8')
        .send({ name: 'a', count: 1 });
    } finally {
      logs.restore();
    }
    const lines = logs.lines().filter((line) => line.startsWith('{'));
    const parsed = lines.map((line) => JSON.parse(line) as { request_id?: string; msg?: string });
    expect(parsed.find((l) => l.msg === 'pass failed')?.request_id).toBe('job-7');
    expect(parsed.find((l) => l.msg === 'outside any work')).not.toHaveProperty('request_id');
    const requestLines = lines.filter((line) => line.includes('req-8'));
    expect(requestLines.map((line) => (JSON.parse(line) as { msg?: string }).msg)).toEqual([
      'echo handled',
      expect.stringMatching(/^POST \/api\/v1\/fixture\/echo 201/),
    ]);
    for (const line of requestLines) expect(line.match(/"request_id"/g)).toHaveLength(1);
  });

  it('applies the same rule to errors the router raises itself', async () => {
    const long = `/api/v1/fixture/items/${'a'.repeat(500)}`;
    const kept = await app
      .getHttpAdapter()
      .getInstance()
      .inject({ method: 'GET', url: long, headers: { 'x-request-id': 'trace:42' } });
    expect(kept.statusCode).toBe(414);
    expect(kept.headers['x-request-id']).toBe('trace:42');
    const replaced = await app
      .getHttpAdapter()
      .getInstance()
      .inject({ method: 'GET', url: long, headers: { 'x-request-id': '<script>' } });
    expect(replaced.headers['x-request-id']).toMatch(UUID);
  });
});
