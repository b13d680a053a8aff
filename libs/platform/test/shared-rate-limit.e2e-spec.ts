import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { InjectOptions } from 'fastify';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import {
  TcpProxy,
  TestTokenIssuer,
  eventually,
  freePort,
  startTestService,
  testEnv,
} from '@app/testing';
import { FixtureModule } from './fixture.module';
import { expectCleanProblem } from './http-assertions';

const LIMIT = 10;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ROUTE: InjectOptions = {
  method: 'GET',
  url: '/api/v1/fixture/items/7d1c1b8e-6a1f-4a39-9b55-2f3b1c4f2a10',
};

/**
 * Two replicas of one service (the fixture, booted twice in this process as two apps): with
 * one REDIS_URL and REDIS_KEY_PREFIX they count one per-IP budget; without it each counts its
 * own; with Redis unreachable each still answers, counting alone.
 */
describe('rate limit shared by the replicas of a service (real Redis)', () => {
  let issuer: TestTokenIssuer;
  const apps: NestFastifyApplication[] = [];

  beforeAll(async () => {
    issuer = await TestTokenIssuer.start();
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await issuer?.stop();
  });

  async function replicas(count: number, extra: Record<string, string>) {
    const started: NestFastifyApplication[] = [];
    for (let i = 0; i < count; i += 1) {
      const env = testEnv({
        issuer,
        extra: { RATE_LIMIT_PER_MINUTE: String(LIMIT), ...extra },
      });
      const app = await startTestService(FixtureModule.forRoot(env));
      apps.push(app);
      started.push(app);
    }
    return started;
  }

  const from = (app: NestFastifyApplication, ip: string) =>
    app
      .getHttpAdapter()
      .getInstance()
      .inject({ ...ROUTE, remoteAddress: ip });

  /** The statuses of `count` requests from `ip`, sent to the replicas in the order `order`. */
  async function statuses(group: NestFastifyApplication[], ip: string, order: number[]) {
    const seen: number[] = [];
    for (const index of order) seen.push((await from(group[index], ip)).statusCode);
    return seen;
  }

  const ipv4 = fc
    .tuple(
      fc.integer({ min: 1, max: 223 }),
      fc.nat(255),
      fc.nat(255),
      fc.integer({ min: 1, max: 254 }),
    )
    .map((parts) => parts.join('.'));

  describe('with one REDIS_URL and prefix', () => {
    let group: NestFastifyApplication[];
    const prefix = `test:${randomUUID()}:`;

    beforeAll(async () => {
      group = await replicas(2, { REDIS_URL, REDIS_KEY_PREFIX: prefix });
    });

    it('alternated requests: exactly the limit pass, then every replica refuses', async () => {
      const ip = '10.20.30.40';
      const order = Array.from({ length: LIMIT + 4 }, (_, i) => i % 2);
      const seen = await statuses(group, ip, order);
      expect(seen.slice(0, LIMIT)).toEqual(Array(LIMIT).fill(200));
      expect(seen.slice(LIMIT)).toEqual(Array(4).fill(429));
      for (const app of group) {
        const refused = await from(app, ip);
        const problem = expectCleanProblem(
          { status: refused.statusCode, headers: refused.headers, body: refused.body },
          429,
        );
        expect(problem.type).toMatch(/rate-limited$/);
        expect(refused.headers['x-ratelimit-limit']).toBe(String(LIMIT));
        expect(refused.headers['x-ratelimit-remaining']).toBe('0');
        expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      }
    });

    it('any order of replicas: one budget, its remaining count continued by the other', async () => {
      const seenIps = new Set<string>();
      await fc.assert(
        fc.asyncProperty(
          ipv4.filter((ip) => !seenIps.has(ip) && ip !== '10.20.30.40'),
          fc.array(fc.integer({ min: 0, max: 1 }), { minLength: LIMIT + 1, maxLength: LIMIT + 4 }),
          async (ip, order) => {
            seenIps.add(ip);
            for (const [index, replica] of order.entries()) {
              const res = await from(group[replica], ip);
              if (index < LIMIT) {
                expect(res.statusCode).toBe(200);
                expect(res.headers['x-ratelimit-remaining']).toBe(String(LIMIT - index - 1));
              } else {
                expect(res.statusCode).toBe(429);
              }
            }
          },
        ),
        { numRuns: 8, seed: 7027 },
      );
    });

    it('keeps its counters under keys naming REDIS_KEY_PREFIX, expiring', async () => {
      const redis = new Redis(REDIS_URL);
      try {
        // the storage wraps the key in a hash tag: `{<prefix>fixture:default:<ip>:default}:hits`
        const keys = await redis.keys(`{${prefix}*`);
        expect(keys.length).toBeGreaterThan(0);
        for (const key of keys) expect(await redis.pttl(key)).toBeGreaterThan(0);
      } finally {
        redis.disconnect();
      }
    });

    it('another prefix is another platform: its counters are its own', async () => {
      const [other] = await replicas(1, { REDIS_URL, REDIS_KEY_PREFIX: `test:${randomUUID()}:` });
      // 10.20.30.40 has spent its budget with the first group, not with this one
      expect((await from(other, '10.20.30.40')).statusCode).toBe(200);
    });
  });

  describe('Redis lost while running (through a proxy the test cuts and freezes)', () => {
    let group: NestFastifyApplication[];
    let proxy: TcpProxy;

    beforeAll(async () => {
      const target = new URL(REDIS_URL);
      proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port) });
      group = await replicas(2, {
        REDIS_URL: proxy.rewrite(REDIS_URL),
        REDIS_KEY_PREFIX: `test:${randomUUID()}:`,
      });
    });
    afterAll(async () => {
      await proxy?.stop();
    });

    /** Alternated requests from a fresh address: each answered within `withinMs`. */
    async function timedStatuses(ip: string, count: number, withinMs: number) {
      const seen: number[] = [];
      for (let i = 0; i < count; i += 1) {
        const started = Date.now();
        seen.push((await from(group[i % 2], ip)).statusCode);
        expect(Date.now() - started).toBeLessThan(withinMs);
      }
      return seen;
    }

    it('cut: answered at once, counted per replica; shared again once Redis is back', async () => {
      expect(await timedStatuses('10.30.0.1', LIMIT + 1, 1_000)).toEqual([
        ...Array(LIMIT).fill(200),
        429,
      ]);
      await proxy.cut();
      expect(await timedStatuses('10.30.0.2', 2 * LIMIT + 2, 1_000)).toEqual([
        ...Array(2 * LIMIT).fill(200),
        429,
        429,
      ]);
      await proxy.restore();
      // ioredis reconnects on its own (retry delays up to 2 s): then one budget again
      let ip = 0;
      await eventually(
        async () => {
          ip += 1;
          const seen = await statuses(
            group,
            `10.30.1.${ip}`,
            Array.from({ length: LIMIT + 1 }, (_, i) => i % 2),
          );
          expect(seen).toEqual([...Array(LIMIT).fill(200), 429]);
        },
        10_000,
        'shared counting again',
      );
    });

    it('frozen (packets dropped): every request still answered within about a second', async () => {
      proxy.freeze();
      try {
        const seen = await timedStatuses('10.30.0.3', 4, 2_500);
        expect(seen).toEqual([200, 200, 200, 200]);
      } finally {
        await proxy.restore();
      }
    });
  });

  describe('without REDIS_URL', () => {
    it('each replica counts alone: twice the limit pass when alternated', async () => {
      const group = await replicas(2, {});
      const order = Array.from({ length: 2 * LIMIT + 2 }, (_, i) => i % 2);
      const seen = await statuses(group, '10.20.30.41', order);
      expect(seen.slice(0, 2 * LIMIT)).toEqual(Array(2 * LIMIT).fill(200));
      expect(seen.slice(2 * LIMIT)).toEqual([429, 429]);
    });
  });

  describe('with Redis unreachable (REDIS_URL on a closed port)', () => {
    let group: NestFastifyApplication[];
    let bootMs: number;

    beforeAll(async () => {
      const closed = await freePort();
      const started = Date.now();
      group = await replicas(2, {
        REDIS_URL: `redis://127.0.0.1:${closed}`,
        REDIS_KEY_PREFIX: `test:${randomUUID()}:`,
      });
      bootMs = Date.now() - started;
    });

    it('starts without waiting for Redis', () => {
      expect(bootMs).toBeLessThan(8_000);
    });

    it('answers every request promptly, never a 500, counting per replica', async () => {
      const ip = '10.20.30.42';
      const order = Array.from({ length: 2 * LIMIT + 2 }, (_, i) => i % 2);
      const seen: number[] = [];
      for (const index of order) {
        const started = Date.now();
        const res = await from(group[index], ip);
        expect(Date.now() - started).toBeLessThan(1_500);
        seen.push(res.statusCode);
      }
      expect(seen.slice(0, 2 * LIMIT)).toEqual(Array(2 * LIMIT).fill(200));
      expect(seen.slice(2 * LIMIT)).toEqual([429, 429]);
    });
  });
});
