import { Client } from 'pg';
import { captureLogs, createTestDatabase } from '@app/testing';
import { UserTestApp, expectNoLeak, startUserTestApp, uniqueEmail } from './user-test-app';

const LOGIN = '/api/v1/auth/login';

async function storedHash(dbUrl: string, email: string): Promise<string> {
  const client = new Client({ connectionString: dbUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ password_hash: string }>(
      `SELECT password_hash FROM users WHERE lower(email) = lower($1)`,
      [email],
    );
    return rows[0].password_hash;
  } finally {
    await client.end();
  }
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

describe('login throttling per email (e2e)', () => {
  let t: UserTestApp;
  const login = (email: string, password: string) => t.http().post(LOGIN).send({ email, password });

  beforeAll(async () => {
    t = await startUserTestApp({
      extra: { LOGIN_MAX_FAILURES_PER_EMAIL: '3', LOGIN_FAILURE_WINDOW_SECONDS: '900' },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 429 with Retry-After after the configured failures, even to the right password', async () => {
    const user = await t.register();
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1)
      statuses.push((await login(user.email, 'wrong password')).status);
    expect(statuses).toEqual([401, 401, 401]);

    const blocked = await login(user.email, user.password).expect(429);
    expect(blocked.headers['content-type']).toContain('application/problem+json');
    expect(blocked.body.type).toMatch(/\/too-many-login-attempts$/);
    const retryAfter = Number(blocked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(890);
    expect(retryAfter).toBeLessThanOrEqual(900);
    // in any letter case: the count is per normalised email
    await login(user.email.toUpperCase(), user.password).expect(429);

    // another email is not affected
    const other = await t.register();
    await login(other.email, other.password).expect(200);
  });

  it('survives a restart and is shared between instances (the count lives in user_db)', async () => {
    const user = await t.register();
    for (let i = 0; i < 3; i += 1) await login(user.email, 'wrong password').expect(401);
    const second = await startUserTestApp({
      db: t.db,
      extra: { LOGIN_MAX_FAILURES_PER_EMAIL: '3' },
    });
    try {
      await second
        .http()
        .post(LOGIN)
        .send({ email: user.email, password: user.password })
        .expect(429);
    } finally {
      await second.close();
    }
  });

  it('lets at most the configured number of concurrent guesses check a password', async () => {
    const user = await t.register();
    const results = await Promise.all(
      Array.from({ length: 10 }, () => login(user.email, 'wrong password')),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([401, 401, 401, 429, 429, 429, 429, 429, 429, 429]);
  });

  it('throttles an unknown email exactly like a known one', async () => {
    const ghost = uniqueEmail('ghost');
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await login(ghost, 'any password')).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
  });

  it('forgets earlier failures after a successful login', async () => {
    const user = await t.register();
    await login(user.email, 'wrong password').expect(401);
    await login(user.email, 'wrong password').expect(401);
    await login(user.email, user.password).expect(200);
    for (let i = 0; i < 3; i += 1) await login(user.email, 'wrong password').expect(401);
    await login(user.email, user.password).expect(429);
  });
});

describe('login failures say nothing about the account (e2e)', () => {
  let t: UserTestApp;

  beforeAll(async () => {
    // the default OWASP-like cost is slow; 2^14 is enough to tell one KDF run from none
    t = await startUserTestApp({ extra: { PASSWORD_SCRYPT_LOG_N: '14' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('gives the same 401 body for an unknown email and for a wrong password', async () => {
    const user = await t.register();
    const wrong = await t.http().post(LOGIN).send({ email: user.email, password: 'nope nope' });
    const unknown = await t
      .http()
      .post(LOGIN)
      .send({ email: uniqueEmail('nobody'), password: 'nope nope' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
    expect(wrong.body).toEqual({
      type: 'https://nest-commerce.dev/problems/invalid-credentials',
      title: 'Unauthorized',
      status: 401,
      detail: 'The email or password is incorrect.',
      instance: LOGIN,
    });
    expect(unknown.headers['content-type']).toBe(wrong.headers['content-type']);
  });

  it('takes about as long for an unknown email as for a wrong password (one KDF run each)', async () => {
    const user = await t.register();
    const time = async (email: string) => {
      const started = process.hrtime.bigint();
      await t.http().post(LOGIN).send({ email, password: 'wrong password' }).expect(401);
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const wrong: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      wrong.push(await time(user.email));
      unknown.push(await time(uniqueEmail('timing')));
    }
    // Without the dummy verification an unknown email answers in a few ms against tens of ms.
    const ratio = median(unknown) / median(wrong);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });
});

describe('login rate limit per IP (e2e)', () => {
  it('answers 429 rate-limited with Retry-After past the limit, counting login and registration together', async () => {
    const t = await startUserTestApp({ extra: { AUTH_RATE_LIMIT_PER_MINUTE: '4' } });
    try {
      const statuses: number[] = [];
      statuses.push(
        (
          await t
            .http()
            .post('/api/v1/users')
            .send({ name: 'Ip', email: uniqueEmail('ip'), password: 'password for ip' })
        ).status,
      );
      for (let i = 0; i < 4; i += 1) {
        statuses.push(
          (await t.http().post(LOGIN).send({ email: uniqueEmail(), password: 'whatever1' })).status,
        );
      }
      expect(statuses).toEqual([201, 401, 401, 401, 429]);
      const blocked = await t
        .http()
        .post('/api/v1/users')
        .send({ name: 'Ip', email: uniqueEmail('ip'), password: 'password for ip' })
        .expect(429);
      expect(blocked.headers['content-type']).toContain('application/problem+json');
      expect(blocked.body.type).toMatch(/\/rate-limited$/);
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
      // other endpoints keep the general limit
      await t.http().get('/api/v1/auth/jwks.json').expect(200);
    } finally {
      await t.close();
    }
  });
});

describe('passwords and hashes never leave the service (e2e)', () => {
  it('appear in no response body and no log line', async () => {
    const db = await createTestDatabase('user_logs');
    const password = 'Pa55-sentinel-password-9f3c';
    const newPassword = 'Pa55-sentinel-changed-71ab';
    const logs = captureLogs();
    const bodies: unknown[] = [];
    let t: UserTestApp | undefined;
    try {
      t = await startUserTestApp({
        db,
        extra: { LOG_LEVEL: 'info', LOGIN_MAX_FAILURES_PER_EMAIL: '2' },
      });
      const http = t.http;
      const email = uniqueEmail('secret');
      const record = (res: { body: unknown; text: string }) => bodies.push(res.body, res.text);
      record(await http().post('/api/v1/users').send({ name: 'Secret', email, password }));
      record(await http().post('/api/v1/users').send({ name: 'Again', email, password }));
      record(
        await http()
          .post('/api/v1/users')
          .send({ name: 'Weak', email: uniqueEmail(), password: 'short' }),
      );
      const login = await http().post(LOGIN).send({ email, password });
      record(login);
      const token = login.body.access_token as string;
      const auth = { authorization: `Bearer ${token}` };
      const me = await http().get('/api/v1/auth/me').set(auth);
      record(me);
      record(
        await http()
          .patch(`/api/v1/users/${me.body.id}`)
          .set(auth)
          .send({ password: newPassword, current_password: password }),
      );
      record(
        await http()
          .put(`/api/v1/users/${me.body.id}`)
          .set(auth)
          .send({ name: 'S', email, password: 'tiny' }),
      );
      record(await http().post(LOGIN).send({ email, password }));
      record(await http().post(LOGIN).send({ email, password }));
      record(await http().post(LOGIN).send({ email, password: newPassword }));
      record(await http().post(LOGIN).send({ email: 'not an email', password }));
      record(
        await http()
          .get('/api/v1/users')
          .set({ authorization: `Bearer ${await t.adminToken()}` }),
      );
    } finally {
      await t?.close();
      logs.restore();
      await db.drop();
    }
    const text = logs.text();
    // the logs were captured at all (request lines at info level)
    expect(text).toContain('POST /api/v1/auth/login 401');
    expect(text).toContain('POST /api/v1/auth/login 429');
    const haystacks = [text, JSON.stringify(bodies)];
    for (const haystack of haystacks) {
      for (const needle of [password, newPassword, 'scrypt$', '$scrypt', 'password_hash', 'tiny']) {
        expect(haystack).not.toContain(needle);
      }
    }
    for (const body of bodies) expectNoLeak(body);
  });
});

describe('password hashes are upgraded at login (e2e)', () => {
  it('rehashes a hash made with weaker parameters, and the password still works', async () => {
    const db = await createTestDatabase('user_rehash');
    try {
      const weak = await startUserTestApp({ db, extra: { PASSWORD_SCRYPT_LOG_N: '12' } });
      const user = await weak.register();
      await weak.close();
      expect(await storedHash(db.url, user.email)).toMatch(/^\$scrypt\$ln=12,r=8,p=1\$/);

      const stronger = await startUserTestApp({ db, extra: { PASSWORD_SCRYPT_LOG_N: '13' } });
      try {
        await stronger.login(user.email, user.password);
        const upgraded = await storedHash(db.url, user.email);
        expect(upgraded).toMatch(/^\$scrypt\$ln=13,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
        await stronger.login(user.email, user.password);
        expect(await storedHash(db.url, user.email)).toBe(upgraded);
      } finally {
        await stronger.close();
      }
    } finally {
      await db.drop();
    }
  });
});
