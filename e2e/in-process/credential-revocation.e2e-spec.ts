import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { MetricsService } from '@app/platform';
import {
  TestDatabase,
  createTestDatabase,
  freePort,
  startTestService,
  testEnv,
} from '@app/testing';
// Cross-service suites boot the real services side by side; only tests may do this.
import { CartModule } from '../../services/cart/src/cart.module';
import { UserModule } from '../../services/user/src/user.module';

const ISSUER = 'http://user.credentials.test';
const AUDIENCE = 'nest-commerce';
const CART_KEY = 'cart-key-credentials-0001';
const ADMIN = { email: 'admin@credentials.test', password: 'initial-admin-password' };
const TOKEN_STATE_ROUTE = '/api/v1/internal/users/:id/token-state';
/** the short-TTL cart: the documented window after which an old token is refused everywhere */
const SHORT_TTL_MS = 400;

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
/**
 * The real user service (its own keys, JWKS and token-state route) and the real cart service
 * verifying its tokens over HTTP, as under `npm start`: after a credential change, the cart
 * refuses the older tokens, and it does not ask the user service on every request.
 */
describe('credential changes across services (user + cart, real HTTP)', () => {
  let userDb: TestDatabase;
  let cartDb: TestDatabase;
  let user: NestFastifyApplication;
  /** caches token states for 30 s: any refusal it gives comes from a refresh, not an expiry */
  let cart: NestFastifyApplication;
  let shortCart: NestFastifyApplication;
  let admin: string;

  const userHttp = () => request(user.getHttpServer());
  const openCart = (app: NestFastifyApplication, token: string) =>
    request(app.getHttpServer()).post('/api/v1/carts').set(bearer(token));

  /** token-state lookups the user service has answered so far */
  async function tokenStateCalls(): Promise<number> {
    const metric = await user.get(MetricsService).requests.get();
    return metric.values
      .filter((v) => v.labels.route === TOKEN_STATE_ROUTE)
      .reduce((sum, v) => sum + v.value, 0);
  }

  async function login(email: string, password: string): Promise<string> {
    const res = await userHttp().post('/api/v1/auth/login').send({ email, password }).expect(200);
    return res.body.access_token as string;
  }

  async function register(): Promise<{
    id: string;
    email: string;
    password: string;
    token: string;
  }> {
    const email = `cred-${randomUUID()}@example.com`;
    const password = 'a long enough password';
    const res = await userHttp()
      .post('/api/v1/users')
      .send({ name: 'Cred', email, password })
      .expect(201);
    return { id: res.body.id, email, password, token: await login(email, password) };
  }

  function startCart(ttlMs: number, db: TestDatabase, jwksUrl: string) {
    const env = testEnv({
      databaseUrl: db.url,
      issuer: { jwksUrl, issuer: ISSUER, audience: AUDIENCE },
      extra: {
        RATE_LIMIT_PER_MINUTE: '100000',
        SERVICE_API_KEY: CART_KEY,
        AUTH_TOKEN_STATE_TTL_MS: String(ttlMs),
      },
    });
    return startTestService(CartModule.forRoot(env));
  }

  beforeAll(async () => {
    userDb = await createTestDatabase('cred_user');
    cartDb = await createTestDatabase('cred_cart');
    const port = await freePort();
    const jwksUrl = `http://127.0.0.1:${port}/api/v1/auth/jwks.json`;
    user = await startTestService(
      UserModule.forRoot(
        testEnv({
          databaseUrl: userDb.url,
          issuer: { jwksUrl, issuer: ISSUER, audience: AUDIENCE },
          serviceKeys: { cart: CART_KEY },
          extra: {
            PORT: String(port),
            ADMIN_EMAIL: ADMIN.email,
            ADMIN_PASSWORD: ADMIN.password,
            PASSWORD_SCRYPT_LOG_N: '12',
            RATE_LIMIT_PER_MINUTE: '100000',
            AUTH_RATE_LIMIT_PER_MINUTE: '100000',
          },
        }),
      ),
      { listen: true },
    );
    cart = await startCart(30_000, cartDb, jwksUrl);
    shortCart = await startCart(SHORT_TTL_MS, cartDb, jwksUrl);
    admin = await login(ADMIN.email, ADMIN.password);
  });

  afterAll(async () => {
    await shortCart?.close();
    await cart?.close();
    await user?.close();
    await cartDb?.drop();
    await userDb?.drop();
  });

  it('asks the user service once per user per TTL, not once per request', async () => {
    const ada = await register();
    const before = await tokenStateCalls();
    const N = 20;
    for (let i = 0; i < N; i += 1) {
      expect([200, 201]).toContain((await openCart(cart, ada.token)).status);
    }
    expect(await tokenStateCalls()).toBe(before + 1);
  });

  it('refuses the old token at once when a newer one is seen (password change, then login)', async () => {
    const bob = await register();
    await openCart(cart, bob.token).expect(201);
    await userHttp()
      .patch(`/api/v1/users/${bob.id}`)
      .set(bearer(bob.token))
      .send({ password: 'a different password', current_password: bob.password })
      .expect(200);
    // the user service refuses it at once; the cart has not looked since (the window)
    await userHttp().get('/api/v1/auth/me').set(bearer(bob.token)).expect(401);
    await openCart(cart, bob.token).expect(200);

    const fresh = await login(bob.email, 'a different password');
    const calls = await tokenStateCalls();
    await openCart(cart, fresh).expect(200); // newer than the cached version: refreshed
    expect(await tokenStateCalls()).toBe(calls + 1);
    const refused = await openCart(cart, bob.token).expect(401);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await tokenStateCalls()).toBe(calls + 1); // refused from the refreshed cache
  });

  it.each([
    [
      'an email change',
      async (u: { id: string; password: string; token: string }) => {
        await userHttp()
          .patch(`/api/v1/users/${u.id}`)
          .set(bearer(u.token))
          .send({ email: `moved-${randomUUID()}@example.com`, current_password: u.password })
          .expect(200);
      },
    ],
    [
      'a role change by an admin',
      async (u: { id: string }) => {
        await userHttp()
          .patch(`/api/v1/users/${u.id}`)
          .set(bearer(admin))
          .send({ role: 'admin' })
          .expect(200);
      },
    ],
    [
      'a deletion',
      async (u: { id: string }) => {
        await userHttp().delete(`/api/v1/users/${u.id}`).set(bearer(admin)).expect(204);
      },
    ],
  ])('refuses the old token within AUTH_TOKEN_STATE_TTL_MS after %s', async (_label, change) => {
    const someone = await register();
    await openCart(shortCart, someone.token).expect(201); // cached as valid
    await change(someone);
    await sleep(SHORT_TTL_MS + 100);
    await openCart(shortCart, someone.token).expect(401);
  });
});
