import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { Client } from 'pg';
import { SignJWT, calculateJwkThumbprint, decodeJwt, decodeProtectedHeader, exportJWK } from 'jose';
import { RotateSigningKeyUseCase } from '../src/application/use-cases/rotate-signing-key.use-case';
import { createTestDatabase } from '@app/testing';
import { ADMIN, AUDIENCE, ISSUER, UserTestApp, startUserTestApp } from './user-test-app';

/** The private key that signs now, read from user_db as a forger with database access would. */
async function currentKeyOf(dbUrl: string): Promise<{ kid: string; key: KeyObject }> {
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

const b64json = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('access tokens and JWKS (e2e)', () => {
  let t: UserTestApp;
  const me = (token: string) =>
    t.http().get('/api/v1/auth/me').set('authorization', `Bearer ${token}`);

  beforeAll(async () => {
    t = await startUserTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('issues an RS256 token with kid, iss, aud, sub, role, tv, iat, exp and jti', async () => {
    const user = await t.register();
    const header = decodeProtectedHeader(user.token);
    const claims = decodeJwt(user.token);
    const jwks = await t.http().get('/api/v1/auth/jwks.json').expect(200);
    expect(header).toEqual({ alg: 'RS256', kid: expect.any(String), typ: 'JWT' });
    expect((jwks.body.keys as { kid: string }[]).map((k) => k.kid)).toContain(header.kid);
    expect(claims).toEqual({
      iss: ISSUER,
      aud: AUDIENCE,
      sub: user.id,
      role: 'customer',
      tv: 0,
      iat: expect.any(Number),
      exp: (claims.iat as number) + 900,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    const admin = decodeJwt(await t.adminToken());
    expect(admin.role).toBe('admin');
  });

  it('publishes RSA public keys only, with RFC 7638 thumbprints as kids', async () => {
    const res = await t.http().get('/api/v1/auth/jwks.json').expect(200);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    const keys = res.body.keys as Array<Record<string, string>>;
    // the current key and the next one (published before it signs)
    expect(keys).toHaveLength(2);
    for (const key of keys) {
      expect(Object.keys(key).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
      expect(key).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
      expect(await calculateJwkThumbprint({ kty: 'RSA', n: key.n, e: key.e })).toBe(key.kid);
    }
  });

  describe('refused with 401', () => {
    let user: Awaited<ReturnType<UserTestApp['register']>>;
    let signing: { kid: string; key: KeyObject };
    const sign = (
      key: KeyObject,
      header: { alg: string; kid?: string },
      build: (jwt: SignJWT) => SignJWT = (jwt) => jwt,
      claims: Record<string, unknown> = { role: 'admin', tv: 0 },
    ) => {
      const now = Math.floor(Date.now() / 1000);
      return build(
        new SignJWT(claims)
          .setProtectedHeader({ typ: 'JWT', ...header })
          .setIssuer(ISSUER)
          .setAudience(AUDIENCE)
          .setSubject(user.id)
          .setIssuedAt(now)
          .setExpirationTime(now + 600),
      ).sign(key);
    };

    beforeAll(async () => {
      user = await t.register();
      signing = await currentKeyOf(t.db.url);
      // the genuine token and a token forged with the genuine key both pass: the controls below
      // therefore fail for the one thing each of them changes
      await me(user.token).expect(200);
      await me(await sign(signing.key, { alg: 'RS256', kid: signing.kid })).expect(200);
    });

    const cases: Array<[string, () => Promise<string>]> = [
      [
        'an unsigned token (alg none)',
        async () => {
          const [, payload] = user.token.split('.');
          return `${b64json({ alg: 'none', typ: 'JWT' })}.${payload}.`;
        },
      ],
      [
        'a changed payload with the original signature (role customer → admin)',
        async () => {
          const [header, payload, signature] = user.token.split('.');
          const changed = {
            ...JSON.parse(Buffer.from(payload, 'base64url').toString()),
            role: 'admin',
          };
          expect(header).toBeDefined();
          return `${header}.${b64json(changed)}.${signature}`;
        },
      ],
      [
        'an expired token',
        () =>
          sign(signing.key, { alg: 'RS256', kid: signing.kid }, (jwt) =>
            jwt.setIssuedAt(Math.floor(Date.now() / 1000) - 1000).setExpirationTime('-60s'),
          ),
      ],
      ['an unknown kid', () => sign(signing.key, { alg: 'RS256', kid: 'no-such-key-id' })],
      [
        'a genuine signature without the token-version claim (tv)',
        () => sign(signing.key, { alg: 'RS256', kid: signing.kid }, undefined, { role: 'admin' }),
      ],
      [
        'a token version that is not a non-negative integer',
        () =>
          sign(signing.key, { alg: 'RS256', kid: signing.kid }, undefined, {
            role: 'admin',
            tv: '0',
          }),
      ],
      [
        "a token version other than the user's current one",
        () =>
          sign(signing.key, { alg: 'RS256', kid: signing.kid }, undefined, {
            role: 'admin',
            tv: 1,
          }),
      ],
      [
        'a token signed by another key under the genuine kid',
        () => {
          const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
          return sign(privateKey, { alg: 'RS256', kid: signing.kid });
        },
      ],
      [
        'a wrong audience',
        () =>
          sign(signing.key, { alg: 'RS256', kid: signing.kid }, (jwt) =>
            jwt.setAudience('another-platform'),
          ),
      ],
      [
        'a wrong issuer',
        () =>
          sign(signing.key, { alg: 'RS256', kid: signing.kid }, (jwt) =>
            jwt.setIssuer('http://evil.example'),
          ),
      ],
      [
        'HS256 keyed with the public key (algorithm confusion)',
        async () => {
          const publicPem = createPublicKey(signing.key).export({ type: 'spki', format: 'pem' });
          const now = Math.floor(Date.now() / 1000);
          return new SignJWT({ role: 'admin', tv: 0 })
            .setProtectedHeader({ alg: 'HS256', kid: signing.kid })
            .setIssuer(ISSUER)
            .setAudience(AUDIENCE)
            .setSubject(user.id)
            .setExpirationTime(now + 600)
            .sign(Buffer.from(publicPem));
        },
      ],
      ['garbage', async () => 'not.a.token'],
    ];

    it.each(cases)('%s', async (_label, forge) => {
      const res = await me(await forge()).expect(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
    });
  });

  describe('rotation', () => {
    it('keeps tokens of the previous key valid, signs with the next, retires the one before', async () => {
      const before = await t.http().get('/api/v1/auth/jwks.json').expect(200);
      const [firstKid, nextKid] = (before.body.keys as { kid: string }[]).map((k) => k.kid);
      const oldToken = await t.adminToken();
      expect(decodeProtectedHeader(oldToken).kid).toBe(firstKid);

      const rotated = await t.app.get(RotateSigningKeyUseCase).execute();
      expect(rotated).toEqual({ currentKid: nextKid, previousKid: firstKid });

      const after = await t.http().get('/api/v1/auth/jwks.json').expect(200);
      const kids = (after.body.keys as { kid: string }[]).map((k) => k.kid);
      expect(kids).toHaveLength(3);
      expect(kids[0]).toBe(nextKid);
      expect(kids).toContain(firstKid);

      const newToken = await t.login(ADMIN.email, ADMIN.password);
      expect(decodeProtectedHeader(newToken).kid).toBe(nextKid);
      await me(oldToken).expect(200);
      await me(newToken).expect(200);

      const again = await t.app.get(RotateSigningKeyUseCase).execute();
      expect(again.previousKid).toBe(nextKid);
      const later = await t.http().get('/api/v1/auth/jwks.json').expect(200);
      const laterKids = (later.body.keys as { kid: string }[]).map((k) => k.kid);
      expect(laterKids).not.toContain(firstKid);
      expect(laterKids).toContain(nextKid);
      await me(newToken).expect(200);

      const client = new Client({ connectionString: t.db.url });
      await client.connect();
      try {
        const { rows } = await client.query(
          `SELECT status, private_key_pem IS NULL AS erased FROM signing_keys WHERE kid = $1`,
          [firstKid],
        );
        expect(rows).toEqual([{ status: 'retired', erased: true }]);
      } finally {
        await client.end();
      }
    });
  });
});

describe('signing keys at start (e2e)', () => {
  it('two instances starting together on a fresh database agree on one key set', async () => {
    const db = await createTestDatabase('user_keys');
    const [a, b] = await Promise.all([startUserTestApp({ db }), startUserTestApp({ db })]).catch(
      async (error: unknown) => {
        await db.drop();
        throw error;
      },
    );
    try {
      const jwksA = await a.http().get('/api/v1/auth/jwks.json').expect(200);
      const jwksB = await b.http().get('/api/v1/auth/jwks.json').expect(200);
      expect(jwksA.body).toEqual(jwksB.body);
      expect(jwksA.body.keys).toHaveLength(2);
      // a token from one instance is accepted by the other
      const token = await a.adminToken();
      await b.http().get('/api/v1/auth/me').set('authorization', `Bearer ${token}`).expect(200);
    } finally {
      await a.close();
      await b.close();
      await db.drop();
    }
  });

  it('uses JWT_PRIVATE_KEY and publishes JWT_PREVIOUS_PUBLIC_KEY when configured', async () => {
    const current = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const previous = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = (key: KeyObject, type: 'pkcs8' | 'spki') =>
      key.export({ type, format: 'pem' }).toString();
    const t = await startUserTestApp({
      extra: {
        // one line with \n escapes, as in a .env file
        JWT_PRIVATE_KEY: pem(current.privateKey, 'pkcs8').replace(/\n/g, '\\n'),
        JWT_PREVIOUS_PUBLIC_KEY: pem(previous.publicKey, 'spki'),
      },
    });
    try {
      const thumbprint = async (key: KeyObject) => calculateJwkThumbprint(await exportJWK(key));
      const jwks = await t.http().get('/api/v1/auth/jwks.json').expect(200);
      expect((jwks.body.keys as { kid: string }[]).map((k) => k.kid)).toEqual([
        await thumbprint(current.publicKey),
        await thumbprint(previous.publicKey),
      ]);
      const token = await t.adminToken();
      expect(decodeProtectedHeader(token).kid).toBe(await thumbprint(current.publicKey));
      await t.http().get('/api/v1/auth/me').set('authorization', `Bearer ${token}`).expect(200);

      const client = new Client({ connectionString: t.db.url });
      await client.connect();
      try {
        const { rows } = await client.query(`SELECT count(*)::int AS n FROM signing_keys`);
        expect(rows[0].n).toBe(0);
      } finally {
        await client.end();
      }
      await expect(t.app.get(RotateSigningKeyUseCase).execute()).rejects.toThrow(
        /JWT_PREVIOUS_PUBLIC_KEY/,
      );
    } finally {
      await t.close();
    }
  });
});
