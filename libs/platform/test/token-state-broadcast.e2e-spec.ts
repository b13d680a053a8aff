import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import request from 'supertest';
import {
  TcpProxy,
  TestTokenIssuer,
  eventually,
  freePort,
  startTestService,
  testEnv,
} from '@app/testing';
import { FixtureModule } from './fixture.module';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const USER_KEY = 'user-service-key-broadcast-01';
const NOTICES = '/api/v1/internal/token-state-notices';

interface Notice {
  user_id: string;
  token_version: number;
  deleted: boolean;
}

/**
 * A token-state notice reaches one replica (the user service posts it once); with REDIS_URL
 * that replica re-publishes it so its siblings refuse the older tokens at once. The cache's
 * TTL is a minute here, and the test issuer counts token-state lookups: a refusal with no new
 * lookup can only come from the broadcast.
 */
describe('token-state notices broadcast to sibling replicas (real Redis)', () => {
  let issuer: TestTokenIssuer;
  const apps: NestFastifyApplication[] = [];
  const proxies: TcpProxy[] = [];

  beforeAll(async () => {
    issuer = await TestTokenIssuer.start();
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    for (const proxy of proxies) await proxy.stop();
    await issuer?.stop();
  });

  async function replica(extra: Record<string, string>): Promise<NestFastifyApplication> {
    const env = testEnv({
      issuer,
      serviceKeys: { user: USER_KEY },
      extra: { RATE_LIMIT_PER_MINUTE: '100000', AUTH_TOKEN_STATE_TTL_MS: '60000', ...extra },
    });
    const app = await startTestService(FixtureModule.forRoot(env));
    apps.push(app);
    return app;
  }

  const admin = (app: NestFastifyApplication, token: string) =>
    request(app.getHttpServer())
      .get('/api/v1/fixture/admin')
      .set('authorization', `Bearer ${token}`);
  const statusOf = async (app: NestFastifyApplication, token: string) =>
    (await admin(app, token)).status;
  const notify = (app: NestFastifyApplication, notice: Notice) =>
    request(app.getHttpServer()).post(NOTICES).set('x-service-key', USER_KEY).send(notice);
  const lookups = (sub: string) => issuer.tokenStateCalls.get(sub) ?? 0;

  /** A user whose version-0 token both replicas have judged (and so cached). */
  async function cachedEverywhere(group: NestFastifyApplication[]) {
    const sub = randomUUID();
    const token = await issuer.mint({ role: 'admin', sub });
    for (const app of group) expect(await statusOf(app, token)).toBe(200);
    return { sub, token };
  }

  describe('two replicas, one REDIS_URL and prefix', () => {
    let a: NestFastifyApplication;
    let b: NestFastifyApplication;
    let prefix: string;

    beforeAll(async () => {
      prefix = `test:${randomUUID()}:`;
      a = await replica({ REDIS_URL, REDIS_KEY_PREFIX: prefix });
      b = await replica({ REDIS_URL, REDIS_KEY_PREFIX: prefix });
    });

    it('a notice posted to A makes B refuse the older token, without asking the user service', async () => {
      const { sub, token } = await cachedEverywhere([a, b]);
      const asked = lookups(sub);
      issuer.revoke(sub);
      await notify(a, { user_id: sub, token_version: 1, deleted: false }).expect(204);
      expect(await statusOf(a, token)).toBe(401);
      await eventually(async () => expect(await statusOf(b, token)).toBe(401), 2_000, 'B refuses');
      // B's cache was told: the new token passes, the old is refused, nobody asked
      expect(await statusOf(b, await issuer.mint({ role: 'admin', sub }))).toBe(200);
      expect(lookups(sub)).toBe(asked);
    });

    it('a deletion posted to B reaches A; an older notice afterwards changes nothing', async () => {
      const { sub, token } = await cachedEverywhere([a, b]);
      issuer.markDeleted(sub);
      await notify(b, { user_id: sub, token_version: 0, deleted: true }).expect(204);
      await eventually(async () => expect(await statusOf(a, token)).toBe(401), 2_000, 'A refuses');
      await notify(a, { user_id: sub, token_version: 7, deleted: false }).expect(204);
      for (const app of [a, b]) expect(await statusOf(app, token)).toBe(401);
      expect(await statusOf(b, await issuer.mint({ role: 'admin', sub, tokenVersion: 7 }))).toBe(
        401,
      );
    });

    it('any sequence of notices, to either replica: both end on the most recent state', async () => {
      const notice = fc.record({
        to: fc.integer({ min: 0, max: 1 }),
        version: fc.integer({ min: 0, max: 4 }),
        deleted: fc.boolean(),
      });
      await fc.assert(
        fc.asyncProperty(fc.array(notice, { minLength: 1, maxLength: 5 }), async (notices) => {
          const group = [a, b];
          const { sub, token } = await cachedEverywhere(group);
          // the most recent state: the highest version, a deletion final
          const version = Math.max(0, ...notices.map((n) => n.version));
          const deleted = notices.some((n) => n.deleted);
          for (let i = 0; i < version; i += 1) issuer.revoke(sub);
          if (deleted) issuer.markDeleted(sub);
          for (const n of notices) {
            await notify(group[n.to], {
              user_id: sub,
              token_version: n.version,
              deleted: n.deleted,
            }).expect(204);
          }
          const current = await issuer.mint({ role: 'admin', sub, tokenVersion: version });
          for (const app of group) {
            await eventually(
              async () => {
                if (version > 0 || deleted) expect(await statusOf(app, token)).toBe(401);
                expect(await statusOf(app, current)).toBe(deleted ? 401 : 200);
              },
              2_000,
              'both replicas on the latest state',
            );
          }
        }),
        { numRuns: 15, seed: 4242 },
      );
    });

    it('a malformed message on the channel is ignored; later notices still arrive', async () => {
      const publisher = new Redis(REDIS_URL);
      try {
        const channel = `${prefix}fixture:token-state-notices`;
        for (const junk of ['not json', '{"user_id":5}', 'null', '[]']) {
          await publisher.publish(channel, junk);
        }
        const { sub, token } = await cachedEverywhere([a, b]);
        issuer.revoke(sub);
        await notify(a, { user_id: sub, token_version: 1, deleted: false }).expect(204);
        await eventually(async () => expect(await statusOf(b, token)).toBe(401), 2_000, 'B');
        expect((await request(b.getHttpServer()).get('/health')).status).toBe(200);
      } finally {
        publisher.disconnect();
      }
    });

    it('a replica of another prefix (another platform) hears nothing', async () => {
      const other = await replica({ REDIS_URL, REDIS_KEY_PREFIX: `test:${randomUUID()}:` });
      const { sub, token } = await cachedEverywhere([a, other]);
      await notify(a, { user_id: sub, token_version: 1, deleted: false }).expect(204);
      expect(await statusOf(a, token)).toBe(401);
      // give a wrongly shared channel time to deliver, then: still the cached state
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await statusOf(other, token)).toBe(200);
    });
  });

  it('without REDIS_URL: only the replica posted to knows; its sibling accepts within the TTL', async () => {
    const a = await replica({});
    const b = await replica({});
    const { sub, token } = await cachedEverywhere([a, b]);
    issuer.revoke(sub);
    await notify(a, { user_id: sub, token_version: 1, deleted: false }).expect(204);
    expect(await statusOf(a, token)).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await statusOf(b, token)).toBe(200);
  });

  it('with Redis unreachable: the notice is still taken where posted, promptly', async () => {
    const closed = `redis://127.0.0.1:${await freePort()}`;
    const a = await replica({ REDIS_URL: closed, REDIS_KEY_PREFIX: `test:${randomUUID()}:` });
    const { sub, token } = await cachedEverywhere([a]);
    const started = Date.now();
    await notify(a, { user_id: sub, token_version: 1, deleted: false }).expect(204);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(await statusOf(a, token)).toBe(401);
  });

  it('a replica whose Redis connection was cut hears notices again once it is back', async () => {
    const target = new URL(REDIS_URL);
    const proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port) });
    proxies.push(proxy);
    const prefix = `test:${randomUUID()}:`;
    const a = await replica({ REDIS_URL, REDIS_KEY_PREFIX: prefix });
    const b = await replica({ REDIS_URL: proxy.rewrite(REDIS_URL), REDIS_KEY_PREFIX: prefix });
    await proxy.cut();
    await proxy.restore();
    const { sub, token } = await cachedEverywhere([a, b]);
    issuer.revoke(sub);
    await eventually(
      async () => {
        await notify(a, { user_id: sub, token_version: 1, deleted: false }).expect(204);
        expect(await statusOf(b, token)).toBe(401);
      },
      10_000,
      'B refuses after its connection came back',
    );
  });

  it('a replica that started while Redis was away hears notices once Redis is back', async () => {
    const target = new URL(REDIS_URL);
    const proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port) });
    proxies.push(proxy);
    const prefix = `test:${randomUUID()}:`;
    const a = await replica({ REDIS_URL, REDIS_KEY_PREFIX: prefix });
    await proxy.cut();
    const b = await replica({ REDIS_URL: proxy.rewrite(REDIS_URL), REDIS_KEY_PREFIX: prefix });
    await proxy.restore();
    const { sub, token } = await cachedEverywhere([a, b]);
    issuer.revoke(sub);
    // each try is a new notice (a message published before B resubscribed is lost, by design)
    await eventually(
      async () => {
        await notify(a, { user_id: sub, token_version: 1, deleted: false }).expect(204);
        expect(await statusOf(b, token)).toBe(401);
      },
      10_000,
      'B refuses after Redis came back',
    );
  });
});
