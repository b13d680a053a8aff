import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { InjectOptions } from 'fastify';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { startTestService, testEnv } from '@app/testing';
import { FixtureModule } from './fixture.module';
import { expectCleanProblem } from './http-assertions';
import { portOf, rawExchange } from './http-raw-client';

const BODY_LIMIT = 65_536;
const MAX_DEPTH = 16;
const ITEM = '/api/v1/fixture/items/';
const ECHO = '/api/v1/fixture/echo';

describe('framework errors are problem+json in our words (http)', () => {
  let app: NestFastifyApplication;
  let port: number;

  beforeAll(async () => {
    app = await startTestService(
      FixtureModule.forRoot(
        testEnv({
          extra: {
            BODY_LIMIT_BYTES: String(BODY_LIMIT),
            BODY_MAX_DEPTH: String(MAX_DEPTH),
            RATE_LIMIT_PER_MINUTE: '1000000',
          },
        }),
      ),
      { listen: true },
    );
    port = portOf(app.getHttpServer());
  });

  afterAll(() => app?.close());

  const inject = async (options: InjectOptions) => {
    const res = await app.getHttpAdapter().getInstance().inject(options);
    return { status: res.statusCode, headers: res.headers, body: res.body };
  };

  const post = (payload: string, contentType = 'application/json') =>
    inject({ method: 'POST', url: ECHO, headers: { 'content-type': contentType }, payload });

  describe('routing', () => {
    it('answers an unknown route 404 without echoing its path in the detail', async () => {
      const res = await inject({ method: 'GET', url: '/api/v1/nowhere-to-be-found?q=secret' });
      const problem = expectCleanProblem(res, 404, ['q=secret']);
      expect(problem.detail).not.toContain('nowhere');
      expect(problem.instance).toBe('/api/v1/nowhere-to-be-found');
    });

    it('answers a known path with another method 405 naming the allowed ones', async () => {
      for (const method of ['DELETE', 'PUT', 'PATCH', 'GET'] as const) {
        const res = await inject({ method, url: ECHO });
        expectCleanProblem(res, 405);
        expect(res.headers.allow).toBe('POST');
      }
      const res = await inject({
        method: 'POST',
        url: `${ITEM}7d1c1b8e-6a1f-4a39-9b55-2f3b1c4f2a10`,
      });
      expectCleanProblem(res, 405);
      expect(String(res.headers.allow).split(', ')).toContain('GET');
    });

    it('answers any over-long path parameter 414 without echoing it or the path', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.string({
            unit: fc.constantFrom(...'abcdefXYZ0123456789-._~'.split('')),
            minLength: 101,
            maxLength: 4000,
          }),
          async (param) => {
            const res = await inject({ method: 'GET', url: `${ITEM}${param}` });
            const problem = expectCleanProblem(res, 414, [param, param.slice(0, 50)]);
            expect(problem.instance).toBeUndefined();
            expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
          },
        ),
        { numRuns: 60, seed: 9001 },
      );
    });

    it('answers undecodable or hostile paths 4xx, never echoing anything but a plain path', async () => {
      const piece = fc.oneof(
        fc.constantFrom('%', '%ZZ', '%E0%A4%A', '%00', '%2F', '%3Cscript%3E', '..', '%C0%AF'),
        fc.constantFrom(...`<>"'\`{}|\\^[];:@!$&()*+,=`.split('')),
        fc.string({ unit: fc.constantFrom(...'abcXYZ019-._~'.split('')), maxLength: 30 }),
      );
      await fc.assert(
        fc.asyncProperty(
          fc.array(piece, { minLength: 1, maxLength: 12 }).map((parts) => parts.join('')),
          fc.constantFrom('/api/v1/fixture/items/', '/api/v1/', '/api/v1/fixture/', '/'),
          async (segment, prefix) => {
            const url = `${prefix}${segment}`;
            const res = await inject({ method: 'GET', url });
            expect(res.status).toBeLessThan(500);
            if (res.status >= 400) {
              // outside RFC 3986 path characters: never echoed, not even as `instance`
              const hostile = /[<>"`{}|\\^]/.test(segment) ? [segment] : [];
              const problem = expectCleanProblem(res, res.status, hostile);
              expect(String(problem.detail)).not.toContain(segment.length >= 6 ? segment : '\0');
            }
          },
        ),
        { numRuns: 200, seed: 414 },
      );
    });
  });

  describe('headers', () => {
    const routable: InjectOptions[] = [
      { method: 'GET', url: `${ITEM}7d1c1b8e-6a1f-4a39-9b55-2f3b1c4f2a10` },
      { method: 'GET', url: '/api/v1/fixture/admin' },
      { method: 'GET', url: '/api/v1/fixture/internal' },
      { method: 'GET', url: '/health' },
      { method: 'GET', url: '/api/v1/nowhere' },
      {
        method: 'POST',
        url: ECHO,
        headers: { 'content-type': 'application/json' },
        payload: '{"name":"ok","count":1}',
      },
    ];
    const headerName = fc.oneof(
      fc.constantFrom(
        'accept',
        'accept-version',
        'accept-encoding',
        'authorization',
        'x-service-key',
        'x-request-id',
        'if-none-match',
        'range',
        'origin',
        'x-forwarded-for',
        'idempotency-key',
      ),
      fc.stringMatching(/^x-[a-z0-9-]{1,30}$/),
    );
    const headerValue = fc.string({
      unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
      minLength: 1,
      maxLength: 300,
    });

    it('never answers 5xx to any header, and answers every refusal in problem+json', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...routable),
          fc.dictionary(headerName, headerValue, { minKeys: 1, maxKeys: 5 }),
          async (req, headers) => {
            const res = await inject({ ...req, headers: { ...req.headers, ...headers } });
            expect(res.status).toBeLessThan(500);
            if (res.status >= 400) {
              const echoed = Object.values(headers).filter((value) => /[<>"`{}|\\^]/.test(value));
              expectCleanProblem(res, res.status, echoed);
            }
          },
        ),
        { numRuns: 300, seed: 431 },
      );
    });
  });

  describe('bodies', () => {
    it('refuses malformed JSON with 400, never quoting it', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.string({ minLength: 1, maxLength: 200 }).filter((text) => {
            try {
              JSON.parse(text);
              return false;
            } catch {
              return true;
            }
          }),
          async (text) => {
            const res = await post(text);
            const problem = expectCleanProblem(res, 400, [text]);
            expect(problem.detail).toBe('The request body is not valid JSON.');
          },
        ),
        { numRuns: 100, seed: 400 },
      );
    });

    it('refuses an empty JSON body, in our words', async () => {
      const res = await post('');
      const problem = expectCleanProblem(res, 400);
      expect(problem.detail).not.toMatch(/content-type is set to/);
    });

    it('refuses __proto__ and constructor.prototype keys (prototype poisoning)', async () => {
      for (const body of [
        '{"name":"a","count":1,"__proto__":{"admin":true}}',
        '{"name":"a","count":1,"constructor":{"prototype":{"admin":true}}}',
      ]) {
        const problem = expectCleanProblem(await post(body), 400);
        expect(problem.detail).toMatch(/forbidden property name/);
      }
    });

    it('refuses any non-JSON content type with 415, without quoting the header', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('text', 'application', 'multipart', 'image', 'x'),
          fc.string({
            unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'.split('')),
            minLength: 6,
            maxLength: 40,
          }),
          async (type, subtype) => {
            const contentType = `${type}/zq${subtype}`;
            const res = await post('{"name":"a","count":1}', contentType);
            const problem = expectCleanProblem(res, 415, [`zq${subtype}`]);
            expect(problem.detail).toMatch(/application\/json/);
          },
        ),
        { numRuns: 50, seed: 415 },
      );
      for (const contentType of [
        'application/x-www-form-urlencoded',
        'text/plain',
        'application/merge-patch+json',
      ]) {
        expectCleanProblem(await post('name=a&count=1', contentType), 415);
      }
    });

    it('refuses a body above BODY_LIMIT_BYTES with 413, announced or streamed', async () => {
      const big = JSON.stringify({ name: 'x'.repeat(BODY_LIMIT), count: 1 });
      expectCleanProblem(await post(big), 413);
      // no Content-Length: the limit is enforced while the body streams in
      const chunked = await inject({
        method: 'POST',
        url: ECHO,
        headers: { 'content-type': 'application/json' },
        payload: Readable.from([big.slice(0, 30_000), big.slice(30_000)]),
      });
      expectCleanProblem(chunked, 413);
    });
  });

  describe('JSON depth limit (BODY_MAX_DEPTH)', () => {
    /**
     * JSON text nested exactly `depth` levels (objects or arrays by `kinds`), with strings full
     * of brackets and quotes on the way; built as text, JSON.stringify would overflow the stack.
     */
    const nested = (depth: number, kinds: boolean[], noise: string[]): string => {
      const opens: string[] = [];
      const closes: string[] = [];
      for (let level = 0; level < depth; level += 1) {
        const text = JSON.stringify(noise[level % noise.length] ?? '');
        if (kinds[level % kinds.length]) {
          opens.push(`{"s":${text},"k":`);
          closes.push('}');
        } else {
          opens.push(`[${text},`);
          closes.push(']');
        }
      }
      return `${opens.join('')}"leaf"${closes.reverse().join('')}`;
    };
    const bracketNoise = fc.array(
      fc.string({ unit: fc.constantFrom(...'[]{}"\\ab:,'.split('')), maxLength: 12 }),
      { minLength: 1, maxLength: 5 },
    );
    const kinds = fc.array(fc.boolean(), { minLength: 1, maxLength: 5 });

    it('lets bodies up to the limit through to validation, strings with brackets included', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: MAX_DEPTH }),
          kinds,
          bracketNoise,
          async (depth, k, noise) => {
            const res = await post(nested(depth, k, noise));
            // the echo DTO refuses these shapes: a validation error, not the depth limit
            const problem = expectCleanProblem(res, 400);
            expect(problem.type).not.toMatch(/body-too-deep/);
          },
        ),
        { numRuns: 80, seed: 32 },
      );
    });

    it('refuses anything deeper with 400 body-too-deep before validation', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: MAX_DEPTH + 1, max: 20_000 }),
          kinds,
          bracketNoise,
          async (depth, k, noise) => {
            const body = nested(depth, k, noise);
            if (body.length > BODY_LIMIT) return;
            const problem = expectCleanProblem(await post(body), 400);
            expect(problem.type).toMatch(/body-too-deep$/);
            expect(problem.detail).toContain(String(MAX_DEPTH));
          },
        ),
        { numRuns: 60, seed: 33 },
      );
    });

    it('refuses thousands of levels (a 500 before) on any JSON route, even with no closing', async () => {
      for (const body of [
        '['.repeat(30_000) + ']'.repeat(30_000),
        '{"a":'.repeat(10_000),
        '['.repeat(60_000),
      ]) {
        expect(body.length).toBeLessThanOrEqual(BODY_LIMIT);
        const problem = expectCleanProblem(await post(body), 400);
        expect(problem.type).toMatch(/body-too-deep$/);
      }
    });
  });

  describe('the node HTTP parser (raw sockets)', () => {
    it('answers headers above the size limit 431', async () => {
      const res = await rawExchange(
        port,
        `GET /health HTTP/1.1\r\nHost: x\r\nX-Padding: ${'p'.repeat(20_000)}\r\n\r\n`,
      );
      expectCleanProblem(res, 431, ['pppppppp']);
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.closedByServer).toBe(true);
    });

    it('answers malformed request lines, methods and headers 400', async () => {
      const malformed = [
        'GARBAGE\r\n\r\n',
        'FOO /health HTTP/1.1\r\nHost: x\r\n\r\n',
        'GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
        'POST /api/v1/fixture/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n',
        'GET /health HTTP/1.1\r\nBad Header Name: x\r\n\r\n',
        'GET /he alth HTTP/1.1\r\nHost: x\r\n\r\n',
      ];
      for (const request of malformed) {
        const res = await rawExchange(port, request);
        expectCleanProblem(res, 400, ['GARBAGE', 'Bad Header']);
      }
    });
  });
});
