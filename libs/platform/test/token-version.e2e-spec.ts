import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import {
  TestDatabase,
  TestTokenIssuer,
  createTestDatabase,
  startTestService,
  testEnv,
} from '@app/testing';
import { FixtureModule } from './fixture.module';

/**
 * Every service's JwtVerifier checks a token's `tv` claim against its user's current token
 * version, asked next to the JWKS (here the test issuer's server plays the user service).
 */
describe('token version check (every service)', () => {
  let db: TestDatabase;
  let issuer: TestTokenIssuer;
  let app: NestFastifyApplication;
  const admin = (token: string) =>
    request(app.getHttpServer())
      .get('/api/v1/fixture/admin')
      .set('authorization', `Bearer ${token}`);

  beforeAll(async () => {
    db = await createTestDatabase('platform_tv');
    issuer = await TestTokenIssuer.start();
    app = await startTestService(
      FixtureModule.forRoot(
        // TTL 0: every request asks, so each revocation below shows at once
        testEnv({ databaseUrl: db.url, issuer, extra: { AUTH_TOKEN_STATE_TTL_MS: '0' } }),
      ),
    );
  });
  afterAll(async () => {
    await app?.close();
    await issuer?.stop();
    await db?.drop();
  });

  it('refuses a signed token without the tv claim, or with a malformed one', async () => {
    await admin(await issuer.admin()).expect(200);
    for (const tv of [undefined, '0', -1, 1.5, null]) {
      const token = await issuer.mint({ role: 'admin', extraClaims: { tv } });
      const res = await admin(token).expect(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });

  it('with AUTH_TOKEN_STATE_TTL_MS=0, asks the token state on every request', async () => {
    const sub = '00000000-0000-4000-8000-00000000000a';
    const token = await issuer.mint({ role: 'admin', sub });
    for (let i = 0; i < 3; i += 1) await admin(token).expect(200);
    expect(issuer.tokenStateCalls.get(sub)).toBe(3);
  });

  it("refuses a token older than its user's current version, or of a deleted user", async () => {
    const sub = '5b1c2f7e-8d4a-4c3b-9e2f-1a0b3c4d5e6f';
    const old = await issuer.mint({ role: 'admin', sub });
    await admin(old).expect(200);
    issuer.revoke(sub);
    await admin(old).expect(401);
    const current = await issuer.mint({ role: 'admin', sub });
    await admin(current).expect(200);
    // a version from the future is no more valid than one from the past
    await admin(await issuer.mint({ role: 'admin', sub, tokenVersion: 5 })).expect(401);
    issuer.markDeleted(sub);
    await admin(current).expect(401);
  });

  it('refuses a token once it has expired, though it was accepted (and its signature verified) before', async () => {
    const token = await issuer.mint({ role: 'admin', expiresIn: 2 });
    await admin(token).expect(200);
    await admin(token).expect(200);
    // exp has one-second resolution: 2 s after minting plus a second of margin
    await new Promise((resolve) => setTimeout(resolve, 3100));
    const res = await admin(token).expect(401);
    expect(res.body.detail).toBe('The access token is invalid or expired.');
  });
});
