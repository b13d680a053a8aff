import {
  CanActivate,
  Controller,
  ExecutionContext,
  Get,
  Injectable,
  Module,
  UseGuards,
} from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiOkResponse } from '@nestjs/swagger';
import { ThrottlerException } from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest, InjectOptions } from 'fastify';
import fc from 'fast-check';
import { TestTokenIssuer, startTestService, testEnv } from '@app/testing';
import { reportRateLimit } from '../src';
import { FixtureModule } from './fixture.module';
import { expectCleanProblem } from './http-assertions';

const LIMIT = 6;
const STRICT_LIMIT = 3;
const SERVICE_KEY = 'order-service-key-0123456789';

/** A route guard with a stricter budget of its own, as the user service's login has. */
@Injectable()
class StrictGuard implements CanActivate {
  private readonly hits = new Map<string, number>();

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const hits = (this.hits.get(request.ip) ?? 0) + 1;
    this.hits.set(request.ip, hits);
    reportRateLimit(context.switchToHttp().getResponse<FastifyReply>(), {
      limit: STRICT_LIMIT,
      remaining: STRICT_LIMIT - hits,
      resetSeconds: 60,
    });
    if (hits > STRICT_LIMIT) throw new ThrottlerException('Too many attempts from this address.');
    return true;
  }
}

const OK_SCHEMA = { type: 'object', properties: { ok: { type: 'boolean' } } };

@Controller('strict')
class StrictController {
  @Get()
  @UseGuards(StrictGuard)
  @ApiOkResponse({ schema: OK_SCHEMA })
  strict(): { ok: boolean } {
    return { ok: true };
  }

  @Get('open')
  @ApiOkResponse({ schema: OK_SCHEMA })
  open(): { ok: boolean } {
    return { ok: true };
  }
}

@Module({ controllers: [StrictController], providers: [StrictGuard] })
class StrictModule {}

describe('rate limit: one budget per IP for the whole service (http)', () => {
  let issuer: TestTokenIssuer;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    issuer = await TestTokenIssuer.start();
    const fixture = FixtureModule.forRoot(
      testEnv({
        issuer,
        serviceKeys: { order: SERVICE_KEY },
        extra: { RATE_LIMIT_PER_MINUTE: String(LIMIT) },
      }),
    );
    fixture.imports = [...(fixture.imports ?? []), StrictModule];
    app = await startTestService(fixture);
  });

  afterAll(async () => {
    await app?.close();
    await issuer?.stop();
  });

  const from = (ip: string, options: InjectOptions) =>
    app
      .getHttpAdapter()
      .getInstance()
      .inject({ ...options, remoteAddress: ip });

  // routes with a handler (the guard runs on them), answering 200, 201, 400, 401 or 500
  const routes: InjectOptions[] = [
    { method: 'GET', url: '/api/v1/fixture/items/7d1c1b8e-6a1f-4a39-9b55-2f3b1c4f2a10' },
    { method: 'GET', url: '/api/v1/fixture/items/42' },
    { method: 'GET', url: '/api/v1/fixture/admin' },
    { method: 'GET', url: '/api/v1/fixture/boom' },
    { method: 'GET', url: '/api/v1/strict/open' },
    {
      method: 'POST',
      url: '/api/v1/fixture/echo',
      headers: { 'content-type': 'application/json' },
      payload: '{"name":"ok","count":1}',
    },
  ];
  const ipv4 = fc
    .tuple(
      fc.integer({ min: 1, max: 223 }),
      fc.nat(255),
      fc.nat(255),
      fc.integer({ min: 1, max: 254 }),
    )
    .map((parts) => parts.join('.'));

  it('counts requests to any route against the same per-IP budget', async () => {
    const seenIps = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        ipv4.filter((ip) => !seenIps.has(ip)),
        fc.array(fc.constantFrom(...routes), { minLength: LIMIT + 1, maxLength: LIMIT + 5 }),
        async (ip, sequence) => {
          seenIps.add(ip);
          for (const [index, route] of sequence.entries()) {
            const res = await from(ip, route);
            expect(res.headers['x-ratelimit-limit']).toBe(String(LIMIT));
            if (index < LIMIT) {
              expect(res.statusCode).not.toBe(429);
              expect(res.headers['x-ratelimit-remaining']).toBe(String(LIMIT - index - 1));
            } else {
              const problem = expectCleanProblem(
                { status: res.statusCode, headers: res.headers, body: res.body },
                429,
              );
              expect(problem.type).toMatch(/rate-limited$/);
              expect(res.headers['x-ratelimit-remaining']).toBe('0');
              expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
            }
          }
          // another address has its own budget
          const other = await from(`${ip.split('.').slice(0, 3).join('.')}.255`, routes[0]);
          expect(other.statusCode).toBe(200);
        },
      ),
      { numRuns: 15, seed: 1200 },
    );
  });

  it('never limits calls carrying a valid service key', async () => {
    for (let i = 0; i < LIMIT * 2; i += 1) {
      const res = await from('10.9.9.9', {
        method: 'GET',
        url: '/api/v1/fixture/internal',
        headers: { 'x-service-key': SERVICE_KEY },
      });
      expect(res.statusCode).toBe(200);
    }
  });

  it('states the limit that bites first when a route guard has a stricter one', async () => {
    const ip = '10.1.2.3';
    const strict = { method: 'GET' as const, url: '/api/v1/strict' };
    const first = await from(ip, strict);
    expect(first.statusCode).toBe(200);
    expect(first.headers['x-ratelimit-limit']).toBe(String(STRICT_LIMIT));
    expect(first.headers['x-ratelimit-remaining']).toBe(String(STRICT_LIMIT - 1));

    // the service-wide budget runs lower than the route's: it is the one stated
    for (let i = 0; i < LIMIT - 2; i += 1) await from(ip, routes[0]);
    const second = await from(ip, strict);
    expect(second.statusCode).toBe(200);
    expect(second.headers['x-ratelimit-limit']).toBe(String(LIMIT));
    expect(second.headers['x-ratelimit-remaining']).toBe('0');
  });

  it('states the route limit on its own refusals', async () => {
    const ip = '10.4.5.6';
    const strict = { method: 'GET' as const, url: '/api/v1/strict' };
    for (let i = 0; i < STRICT_LIMIT; i += 1) expect((await from(ip, strict)).statusCode).toBe(200);
    const refused = await from(ip, strict);
    const problem = expectCleanProblem(
      { status: refused.statusCode, headers: refused.headers, body: refused.body },
      429,
    );
    expect(problem.detail).toBe('Too many attempts from this address.');
    expect(refused.headers['x-ratelimit-limit']).toBe(String(STRICT_LIMIT));
    expect(refused.headers['x-ratelimit-remaining']).toBe('0');
  });
});
