// The product service verifying tokens issued by the real user service (as under `npm start`),
// not the local test issuer: the user service listens on a real port, and the product service's
// JWT_JWKS_URL points at its /api/v1/auth/jwks.json.
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { KeyObject, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { SignJWT } from 'jose';
import { Client } from 'pg';
import request from 'supertest';
import { TestDatabase, createTestDatabase, startTestService, testEnv } from '@app/testing';
import { ProductModule } from '../src/product.module';
import {
  AUDIENCE,
  ISSUER,
  PEER_KEYS,
  UserTestApp,
  startUserTestApp,
} from '../../user/test/user-test-app';

const PRODUCTS = '/api/v1/products';
const product = { name: 'Real token lamp', price: 24.5, stock_quantity: 3, category: 'home' };

/** The key that signs now, from user_db: lets the test forge tokens that differ in one claim. */
async function signingKeyOf(dbUrl: string): Promise<{ kid: string; key: KeyObject }> {
  const client = new Client({ connectionString: dbUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ kid: string; private_key_pem: string }>(
      `SELECT kid, private_key_pem FROM signing_keys WHERE status = 'current'`,
    );
    return { kid: rows[0].kid, key: createPrivateKey(rows[0].private_key_pem) };
  } finally {
    await client.end();
  }
}

describe('product service with tokens from the user service (e2e)', () => {
  let users: UserTestApp;
  let productDb: TestDatabase;
  let products: NestFastifyApplication;
  let adminToken: string;
  let customer: Awaited<ReturnType<UserTestApp['register']>>;
  let signing: { kid: string; key: KeyObject };

  const create = (token: string) =>
    request(products.getHttpServer())
      .post(PRODUCTS)
      .set('authorization', `Bearer ${token}`)
      .send(product);

  const forge = (
    key: KeyObject,
    header: { alg: string; kid: string },
    build: (jwt: SignJWT) => SignJWT = (jwt) => jwt,
  ) => {
    const now = Math.floor(Date.now() / 1000);
    return build(
      new SignJWT({ role: 'admin', tv: 0 })
        .setProtectedHeader({ typ: 'JWT', ...header })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setSubject(customer.id)
        .setIssuedAt(now)
        .setExpirationTime(now + 600),
    ).sign(key);
  };

  beforeAll(async () => {
    users = await startUserTestApp();
    productDb = await createTestDatabase('product_real_tokens');
    products = await startTestService(
      ProductModule.forRoot(
        testEnv({
          databaseUrl: productDb.url,
          issuer: { jwksUrl: users.jwksUrl, issuer: ISSUER, audience: AUDIENCE },
          // its own key: it checks token versions at the user service
          extra: { RATE_LIMIT_PER_MINUTE: '100000', SERVICE_API_KEY: PEER_KEYS.product },
        }),
      ),
    );
    adminToken = await users.adminToken();
    customer = await users.register({ name: 'Customer' });
    signing = await signingKeyOf(users.db.url);
  });

  afterAll(async () => {
    await products?.close();
    await productDb?.drop();
    await users?.close();
  });

  it('lets an admin token from login create a product (201)', async () => {
    const res = await create(adminToken).expect(201);
    expect(res.body).toMatchObject(product);
  });

  it('gives a customer token from login 403', async () => {
    const res = await create(customer.token).expect(403);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  it('accepts a token forged with the genuine key (the control for the cases below)', async () => {
    await create(await forge(signing.key, { alg: 'RS256', kid: signing.kid })).expect(201);
  });

  const refused: Array<[string, () => Promise<string>]> = [
    [
      'an unsigned token (alg none)',
      async () => {
        const [, payload] = adminToken.split('.');
        const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString(
          'base64url',
        );
        return `${header}.${payload}.`;
      },
    ],
    [
      "a customer's token with role changed to admin and the old signature",
      async () => {
        const [header, payload, signature] = customer.token.split('.');
        const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as object;
        const changed = Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString(
          'base64url',
        );
        return `${header}.${changed}.${signature}`;
      },
    ],
    [
      'an expired token',
      () =>
        forge(signing.key, { alg: 'RS256', kid: signing.kid }, (jwt) =>
          jwt.setIssuedAt(Math.floor(Date.now() / 1000) - 1000).setExpirationTime('-60s'),
        ),
    ],
    ['an unknown kid', () => forge(signing.key, { alg: 'RS256', kid: 'unknown-kid' })],
    [
      'a token signed by another key',
      () =>
        forge(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, {
          alg: 'RS256',
          kid: signing.kid,
        }),
    ],
    [
      'a wrong audience',
      () =>
        forge(signing.key, { alg: 'RS256', kid: signing.kid }, (jwt) =>
          jwt.setAudience('some-other-api'),
        ),
    ],
  ];

  it.each(refused)('refuses %s with 401', async (_label, token) => {
    const res = await create(await token()).expect(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  it('refuses a token that expired by its own TTL (ACCESS_TOKEN_TTL_SECONDS=3)', async () => {
    // 3 s: exp counts whole seconds, so a 1 s token can have only milliseconds left at first use
    const shortLived = await startUserTestApp({ extra: { ACCESS_TOKEN_TTL_SECONDS: '3' } });
    try {
      const productsForShort = await startTestService(
        ProductModule.forRoot(
          testEnv({
            databaseUrl: productDb.url,
            issuer: { jwksUrl: shortLived.jwksUrl, issuer: ISSUER, audience: AUDIENCE },
            extra: { SERVICE_API_KEY: PEER_KEYS.product },
          }),
        ),
      );
      try {
        const token = await shortLived.adminToken();
        const post = () =>
          request(productsForShort.getHttpServer())
            .post(PRODUCTS)
            .set('authorization', `Bearer ${token}`)
            .send(product);
        await post().expect(201);
        await sleep(4100);
        await post().expect(401);
      } finally {
        await productsForShort.close();
      }
    } finally {
      await shortLived.close();
    }
  });
});
