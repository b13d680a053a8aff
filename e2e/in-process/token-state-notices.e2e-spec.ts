import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
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

const ISSUER = 'http://user.notices.test';
const AUDIENCE = 'nest-commerce';
const CART_KEY = 'cart-key-notices-000001';
const USER_KEY = 'user-key-notices-000001';
const ORDER_KEY = 'order-key-notices-00001';
const ADMIN = { email: 'admin@notices.test', password: 'initial-admin-password' };

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

interface Someone {
  id: string;
  email: string;
  password: string;
  token: string;
}

/**
 * The user service tells the cart at once when a user's tokens change (TOKEN_STATE_SUBSCRIBERS):
 * the cart caches token states for a minute here, so a refusal right after the change can only
 * come from the notice. A subscriber that is down (order, on a closed port) changes nothing for
 * the change itself.
 */
describe('token-state notices: older tokens refused by other services at once (user + cart, real HTTP)', () => {
  let userDb: TestDatabase;
  let cartDb: TestDatabase;
  let user: NestFastifyApplication;
  let cart: NestFastifyApplication;
  let admin: string;

  const userHttp = () => request(user.getHttpServer());
  const openCart = (token: string) =>
    request(cart.getHttpServer()).post('/api/v1/carts').set(bearer(token));

  async function login(email: string, password: string): Promise<string> {
    const res = await userHttp().post('/api/v1/auth/login').send({ email, password }).expect(200);
    return res.body.access_token as string;
  }

  async function register(): Promise<Someone> {
    const email = `notice-${randomUUID()}@example.com`;
    const password = 'a long enough password';
    const res = await userHttp()
      .post('/api/v1/users')
      .send({ name: 'Notice', email, password })
      .expect(201);
    return { id: res.body.id, email, password, token: await login(email, password) };
  }

  beforeAll(async () => {
    userDb = await createTestDatabase('notice_user');
    cartDb = await createTestDatabase('notice_cart');
    const [userPort, cartPort, deadPort] = await Promise.all([freePort(), freePort(), freePort()]);
    const jwksUrl = `http://127.0.0.1:${userPort}/api/v1/auth/jwks.json`;
    const issuer = { jwksUrl, issuer: ISSUER, audience: AUDIENCE };
    cart = await startTestService(
      CartModule.forRoot(
        testEnv({
          databaseUrl: cartDb.url,
          issuer,
          serviceKeys: { user: USER_KEY },
          extra: {
            PORT: String(cartPort),
            RATE_LIMIT_PER_MINUTE: '100000',
            SERVICE_API_KEY: CART_KEY,
            AUTH_TOKEN_STATE_TTL_MS: '60000',
          },
        }),
      ),
      { listen: true },
    );
    user = await startTestService(
      UserModule.forRoot(
        testEnv({
          databaseUrl: userDb.url,
          issuer,
          serviceKeys: { cart: CART_KEY, order: ORDER_KEY },
          extra: {
            PORT: String(userPort),
            SERVICE_API_KEY: USER_KEY,
            TOKEN_STATE_SUBSCRIBERS: 'cart, order',
            CART_SERVICE_URL: `http://127.0.0.1:${(cart.getHttpServer().address() as AddressInfo).port}`,
            ORDER_SERVICE_URL: `http://127.0.0.1:${deadPort}`,
            UPSTREAM_TIMEOUT_MS: '500',
            UPSTREAM_RETRIES: '0',
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
    admin = await login(ADMIN.email, ADMIN.password);
  });

  afterAll(async () => {
    await user?.close();
    await cart?.close();
    await cartDb?.drop();
    await userDb?.drop();
  });

  it.each([
    [
      'a password change',
      (u: Someone) =>
        userHttp()
          .patch(`/api/v1/users/${u.id}`)
          .set(bearer(u.token))
          .send({ password: 'another long password', current_password: u.password }),
    ],
    [
      'an email change',
      (u: Someone) =>
        userHttp()
          .patch(`/api/v1/users/${u.id}`)
          .set(bearer(u.token))
          .send({ email: `moved-${randomUUID()}@example.com`, current_password: u.password }),
    ],
    [
      'a role change by an admin',
      (u: Someone) =>
        userHttp().patch(`/api/v1/users/${u.id}`).set(bearer(admin)).send({ role: 'admin' }),
    ],
    ['a deletion', (u: Someone) => userHttp().delete(`/api/v1/users/${u.id}`).set(bearer(admin))],
  ])('after %s, the cart refuses the older token at once', async (_label, change) => {
    const someone = await register();
    await openCart(someone.token).expect(201); // cached as valid for a minute
    const answer = await change(someone);
    expect([200, 204]).toContain(answer.status); // the dead subscriber did not fail the change
    const refused = await openCart(someone.token).expect(401);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('a change that voids no token (a new name) tells nobody and keeps the token valid', async () => {
    const someone = await register();
    await openCart(someone.token).expect(201);
    await userHttp()
      .patch(`/api/v1/users/${someone.id}`)
      .set(bearer(someone.token))
      .send({ name: 'Renamed' })
      .expect(200);
    await openCart(someone.token).expect(200);
  });

  it('takes notices only from the user service, and an older notice restores nothing', async () => {
    const someone = await register();
    await openCart(someone.token).expect(201);
    const notice = (key: string, version: number, deleted = false) =>
      request(cart.getHttpServer())
        .post('/api/v1/internal/token-state-notices')
        .set('x-service-key', key)
        .send({ user_id: someone.id, token_version: version, deleted });
    expect((await notice(CART_KEY, 5)).status).toBe(401); // cart's own key is no caller it knows
    await notice(USER_KEY, 3).expect(204);
    await openCart(someone.token).expect(401); // its token says version 0
    await notice(USER_KEY, 0).expect(204); // late and older: ignored
    await openCart(someone.token).expect(401);
    const badBody = await notice(USER_KEY, -1);
    expect(badBody.status).toBe(400);
  });
});
