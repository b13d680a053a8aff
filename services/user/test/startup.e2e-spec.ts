import { generateKeyPairSync } from 'node:crypto';
import { Client } from 'pg';
import { ConfigError, runMigrations } from '@app/platform';
import { createTestDatabase, testEnv } from '@app/testing';
import { loadUserConfig } from '../src/infrastructure/config/user.config';
import { userDatabase } from '../src/infrastructure/database';
import { UserStartup } from '../src/interfaces/startup/user-startup';
import { UserModule } from '../src/user.module';
import { ADMIN, startUserTestApp } from './user-test-app';

describe('initial admin (e2e)', () => {
  it('is created at the first start and left as is at the next ones', async () => {
    const db = await createTestDatabase('user_admin');
    try {
      const first = await startUserTestApp({ db });
      expect(first.app.get(UserStartup).adminOutcome).toBe('created');
      await first.close();

      // another password (and the email in another case) at the next start: nothing changes
      const second = await startUserTestApp({
        db,
        extra: { ADMIN_EMAIL: ADMIN.email.toUpperCase(), ADMIN_PASSWORD: 'a different password' },
      });
      try {
        expect(second.app.get(UserStartup).adminOutcome).toBe('present');
        await second.login(ADMIN.email, ADMIN.password);
        await second
          .http()
          .post('/api/v1/auth/login')
          .send({ email: ADMIN.email, password: 'a different password' })
          .expect(401);
      } finally {
        await second.close();
      }

      const client = new Client({ connectionString: db.url });
      await client.connect();
      try {
        const { rows } = await client.query(`SELECT email, role, name FROM users`);
        expect(rows).toEqual([{ email: ADMIN.email, role: 'admin', name: 'Administrator' }]);
      } finally {
        await client.end();
      }
    } finally {
      await db.drop();
    }
  });

  it('is not created when ADMIN_EMAIL and ADMIN_PASSWORD are unset', async () => {
    const t = await startUserTestApp({ extra: { ADMIN_EMAIL: '', ADMIN_PASSWORD: '' } });
    try {
      expect(t.app.get(UserStartup).adminOutcome).toBe('not_configured');
    } finally {
      await t.close();
    }
  });
});

describe('user migrations (e2e)', () => {
  it('apply to an empty database, re-run as a no-op, and enforce case-insensitive emails', async () => {
    const db = await createTestDatabase('user_migrations');
    try {
      const env = testEnv({ databaseUrl: db.url });
      const first = await runMigrations({ service: 'user', env, ...userDatabase });
      expect(first).toEqual(userDatabase.migrations.map((m) => m.name));
      expect(await runMigrations({ service: 'user', env, ...userDatabase })).toEqual([]);

      const client = new Client({ connectionString: db.url });
      await client.connect();
      try {
        const insert = (email: string) =>
          client.query(
            `INSERT INTO users (id, name, email, role, password_hash)
             VALUES (gen_random_uuid(), 'x', $1, 'customer', '$scrypt$x')`,
            [email],
          );
        await insert('ada@example.com');
        await expect(insert('ADA@Example.com')).rejects.toThrow(/users_email_lower_key/);
        await expect(
          client.query(
            `INSERT INTO users (id, name, email, role, password_hash)
             VALUES (gen_random_uuid(), 'x', 'root@example.com', 'root', '$scrypt$x')`,
          ),
        ).rejects.toThrow(/check constraint/);
        // one current signing key at most, whatever the code does
        const key = (kid: string) =>
          client.query(
            `INSERT INTO signing_keys (kid, algorithm, status, private_key_pem, public_jwk)
             VALUES ($1, 'RS256', 'current', 'pem', '{}')`,
            [kid],
          );
        await key('a');
        await expect(key('b')).rejects.toThrow(/signing_keys_one_per_live_status/);
      } finally {
        await client.end();
      }
    } finally {
      await db.drop();
    }
  });
});

describe('user configuration', () => {
  const base = { DATABASE_URL: 'postgres://x@127.0.0.1/user_db' };

  it('has the documented defaults', () => {
    const config = loadUserConfig(base);
    expect(config).toMatchObject({
      accessTokenTtlSeconds: 900,
      configuredKeys: null,
      initialAdmin: null,
      loginThrottle: { maxFailures: 5, windowSeconds: 900 },
      authRateLimitPerMinute: 120,
      scrypt: { logN: 17, r: 8, p: 1 },
    });
  });

  it.each<[string, Record<string, string>, RegExp]>([
    ['ADMIN_EMAIL without ADMIN_PASSWORD', { ADMIN_EMAIL: 'a@b.io' }, /set together/],
    [
      'a malformed ADMIN_EMAIL',
      { ADMIN_EMAIL: 'admin', ADMIN_PASSWORD: 'long enough' },
      /ADMIN_EMAIL/,
    ],
    [
      'a short ADMIN_PASSWORD',
      { ADMIN_EMAIL: 'a@b.io', ADMIN_PASSWORD: 'short' },
      /ADMIN_PASSWORD/,
    ],
    [
      'the example admin password in production',
      { NODE_ENV: 'production', ADMIN_EMAIL: 'a@b.io', ADMIN_PASSWORD: 'change-me-admin-password' },
      /example value/,
    ],
    [
      'weak scrypt parameters in production',
      { NODE_ENV: 'production', PASSWORD_SCRYPT_LOG_N: '14' },
      /PASSWORD_SCRYPT_LOG_N/,
    ],
    ['a TTL of zero', { ACCESS_TOKEN_TTL_SECONDS: '0' }, /ACCESS_TOKEN_TTL_SECONDS/],
    [
      'a TTL that is not a number',
      { ACCESS_TOKEN_TTL_SECONDS: 'soon' },
      /ACCESS_TOKEN_TTL_SECONDS/,
    ],
    ['a JWT_PRIVATE_KEY that is no PEM', { JWT_PRIVATE_KEY: 'secret' }, /JWT_PRIVATE_KEY/],
    [
      'a 1024-bit JWT_PRIVATE_KEY',
      {
        JWT_PRIVATE_KEY: generateKeyPairSync('rsa', { modulusLength: 1024 })
          .privateKey.export({ type: 'pkcs8', format: 'pem' })
          .toString(),
      },
      /at least 2048 bits/,
    ],
    [
      'an EC JWT_PRIVATE_KEY',
      {
        JWT_PRIVATE_KEY: generateKeyPairSync('ec', { namedCurve: 'P-256' })
          .privateKey.export({ type: 'pkcs8', format: 'pem' })
          .toString(),
      },
      /RSA key/,
    ],
    ['JWT_PREVIOUS_PUBLIC_KEY alone', { JWT_PREVIOUS_PUBLIC_KEY: 'x' }, /needs JWT_PRIVATE_KEY/],
  ])('refuses %s, naming the variable', (_label, env, message) => {
    let error: unknown;
    try {
      loadUserConfig({ ...base, ...env });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
  });

  it('stops the module from being built (so main.ts exits with the message)', () => {
    expect(() => UserModule.forRoot({ ...base, LOGIN_MAX_FAILURES_PER_EMAIL: '0' })).toThrow(
      /LOGIN_MAX_FAILURES_PER_EMAIL/,
    );
  });
});
