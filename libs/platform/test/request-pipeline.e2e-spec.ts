import { CLS_ID, ClsServiceManager } from 'nestjs-cls';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ApplicationConfig } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fc from 'fast-check';
import request from 'supertest';
import { captureLogs, startTestService, testEnv } from '@app/testing';
import { PlatformThrottlerGuard } from '../src/throttling/platform-throttler.guard';
import { createLogger } from '../src/logging/create-logger';
import { REQUEST_LINES, type RequestLineSink } from '../src/logging/request-line';
import {
  currentRequestId,
  currentTraceparent,
  enterRequestContext,
  runWithRequestId,
} from '../src/context/request-context';
import { traceIdOf } from '../src/context/trace-context';
import { FixtureModule } from './fixture.module';

/** What each request costs on its way through the platform: only what it must (performance.md). */
describe('the request pipeline', () => {
  describe('an application', () => {
    let app: NestFastifyApplication;

    beforeAll(async () => {
      app = await startTestService(
        FixtureModule.forRoot(testEnv({ extra: { LOG_LEVEL: 'info' } })),
      );
    });

    afterAll(async () => {
      await app?.close();
    });

    it('runs no global interceptor, and the rate limit as its only global guard', () => {
      // nestjs-cls registers a no-op guard and interceptor of its own; requestContextModule drops them
      const config = (app as unknown as { config: ApplicationConfig }).config;
      expect(config.getGlobalInterceptors()).toEqual([]);
      expect(config.getGlobalRequestInterceptors()).toEqual([]);
      expect(config.getGlobalGuards().map((guard) => guard.constructor)).toEqual([
        PlatformThrottlerGuard,
      ]);
      expect(config.getGlobalRequestGuards()).toEqual([]);
    });

    async function linesOf(send: () => Promise<request.Response>) {
      const logs = captureLogs();
      let res: request.Response;
      try {
        res = await send();
      } finally {
        logs.restore();
      }
      const lines = logs
        .lines()
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      return { res, lines };
    }

    it('writes one line per request: its id, method, path without the query, status, time', async () => {
      const { res, lines } = await linesOf(() =>
        request(app.getHttpServer())
          .get('/api/v1/fixture/items/3f0e8a52-5c1e-4d7e-9a55-2b0f4f3b6c11?secret=1')
          .set('x-request-id', 'line-check-1'),
      );
      expect(res.status).toBe(200);
      const mine = lines.filter((l) => l.request_id === 'line-check-1');
      expect(mine).toEqual([
        {
          level: 30,
          time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
          service: 'fixture',
          request_id: 'line-check-1',
          req: {
            method: 'GET',
            path: '/api/v1/fixture/items/3f0e8a52-5c1e-4d7e-9a55-2b0f4f3b6c11',
          },
          res: { status_code: 200 },
          responseTime: expect.any(Number),
          msg: expect.stringMatching(
            /^GET \/api\/v1\/fixture\/items\/3f0e8a52-5c1e-4d7e-9a55-2b0f4f3b6c11 200 \d+ms$/,
          ),
        },
      ]);
    });

    it('writes a 5xx at error level, without its time in the message', async () => {
      const { res, lines } = await linesOf(() =>
        request(app.getHttpServer()).get('/api/v1/fixture/boom').set('x-request-id', 'boom-1'),
      );
      expect(res.status).toBe(500);
      const line = lines.find((l) => l.request_id === 'boom-1' && l.req !== undefined);
      expect(line).toMatchObject({
        level: 50,
        res: { status_code: 500 },
        msg: 'GET /api/v1/fixture/boom 500',
      });
    });
  });

  describe('the request line', () => {
    const logger = createLogger({ service: 'product', nodeEnv: 'test', logLevel: 'info' });
    const sink = (logger as unknown as Record<symbol, RequestLineSink>)[REQUEST_LINES];

    /** Both lines, their time left out: the rest must agree key for key, in order. */
    function bothLines(level: 'info' | 'error', f: Parameters<RequestLineSink>[1]) {
      const logs = captureLogs();
      try {
        const fields = {
          request_id: f.requestId,
          req: { method: f.method, url: f.path },
          res: { statusCode: f.statusCode },
          responseTime: f.responseTime,
        };
        if (level === 'error') logger.error(fields, `${f.method} ${f.path} ${f.statusCode}`);
        else logger.info(fields, `${f.method} ${f.path} ${f.statusCode} ${f.responseTime}ms`);
        sink(level, f);
      } finally {
        logs.restore();
      }
      const lines = logs.text().split('\n');
      expect(lines).toHaveLength(3); // two lines, each ending in a newline
      return lines.slice(0, 2).map((line) => {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        delete parsed.time;
        return { parsed, keys: JSON.stringify(Object.keys(parsed)) };
      });
    }

    const idChars = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:-'.split('');
    // a path as Fastify hands it over: any byte of a latin1 request target, quotes and
    // backslashes and control characters included
    const latin1 = fc.integer({ min: 0, max: 255 }).map((code) => String.fromCharCode(code));

    it('is the line pino writes for the same request (generated requests)', () => {
      fc.assert(
        fc.property(
          fc.oneof(fc.uuid(), fc.string({ unit: fc.constantFrom(...idChars), minLength: 1 })),
          fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'),
          // the hook passes the path, its query cut off
          fc
            .oneof(
              fc.webPath(),
              fc.string({ unit: latin1, maxLength: 80 }).map((p) => `/${p}`),
            )
            .map((p) => p.split('?')[0]),
          fc.integer({ min: 100, max: 599 }),
          fc.nat({ max: 120_000 }),
          (requestId, method, path, statusCode, responseTime) => {
            const level = statusCode >= 500 ? 'error' : 'info';
            const [pinoLine, ourLine] = bothLines(level, {
              requestId,
              method,
              path,
              statusCode,
              responseTime,
            });
            expect(ourLine.parsed).toEqual(pinoLine.parsed);
            expect(ourLine.keys).toBe(pinoLine.keys);
          },
        ),
        { numRuns: 300, seed: 14 },
      );
    });
  });

  describe('the trace of a request', () => {
    const cls = ClsServiceManager.getClsService();
    const fakeRequest = (headers: Record<string, string>) =>
      ({ id: 'req-1', headers }) as unknown as FastifyRequest;

    function inRequest<T>(headers: Record<string, string>, work: () => T): T {
      let result!: T;
      enterRequestContext(fakeRequest(headers), {} as FastifyReply, () => {
        result = work();
      });
      return result;
    }

    it('is one trace id for the request and every context copied from it, asked first or later', () => {
      fc.assert(
        fc.property(fc.boolean(), fc.boolean(), (withCaller, askInsideFirst) => {
          const caller = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
          const ids = inRequest(withCaller ? { traceparent: caller } : {}, () => {
            expect(currentRequestId()).toBe('req-1');
            const seen: Array<string | undefined> = [];
            const inner = () =>
              cls.run({ ifNested: 'inherit' }, () => seen.push(traceIdOf(currentTraceparent())));
            if (askInsideFirst) inner();
            seen.push(traceIdOf(currentTraceparent()));
            if (!askInsideFirst) inner();
            return seen;
          });
          expect(ids[0]).toMatch(/^[0-9a-f]{32}$/);
          expect(ids[1]).toBe(ids[0]);
          if (withCaller) expect(ids[0]).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
        }),
        { numRuns: 20, seed: 14 },
      );
    });

    it('is a new trace for each request without a caller trace, and for background work', () => {
      const a = inRequest({}, () => traceIdOf(currentTraceparent()));
      const b = inRequest({}, () => traceIdOf(currentTraceparent()));
      const c = runWithRequestId('job-1', () => traceIdOf(currentTraceparent()));
      expect(new Set([a, b, c]).size).toBe(3);
      expect(currentTraceparent()).toBeUndefined();
      expect(cls.isActive() ? cls.get(CLS_ID) : undefined).toBeUndefined();
    });
  });
});
