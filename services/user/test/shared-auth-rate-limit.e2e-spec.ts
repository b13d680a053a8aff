import { randomUUID } from 'node:crypto';
import { TestDatabase, createTestDatabase } from '@app/testing';
import { UserTestApp, startUserTestApp, uniqueEmail } from './user-test-app';

const PER_ACCOUNT = 5;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * The per-account budget of password-hashing requests (AuthRateLimitGuard) lives in the
 * platform throttler's storage: with REDIS_URL, two replicas of the user service (one
 * database) count one budget per email; without it, each counts its own. The database's
 * failed-login lockout is set out of reach (LOGIN_MAX_FAILURES_PER_EMAIL 1000) so only the
 * guard can refuse.
 */
describe('login budget per account shared by user replicas (real Redis, one database)', () => {
  const dbs: TestDatabase[] = [];
  const apps: UserTestApp[] = [];

  afterAll(async () => {
    for (const app of apps) await app.close();
    for (const db of dbs) await db.drop();
  });

  async function replicas(extra: Record<string, string>): Promise<UserTestApp[]> {
    const db = await createTestDatabase('user_shared_limit');
    dbs.push(db);
    const env = { AUTH_RATE_LIMIT_PER_ACCOUNT_PER_MINUTE: String(PER_ACCOUNT), ...extra };
    // one after the other: the second finds the migrations and the initial admin done
    const first = await startUserTestApp({ db, extra: env });
    apps.push(first);
    const second = await startUserTestApp({ db, extra: env });
    apps.push(second);
    return [first, second];
  }

  /** Wrong-password logins for one email, alternated between the replicas: their statuses. */
  async function failedLogins(group: UserTestApp[], count: number): Promise<number[]> {
    const email = uniqueEmail('limited');
    const statuses: number[] = [];
    for (let i = 0; i < count; i += 1) {
      const res = await group[i % 2]
        .http()
        .post('/api/v1/auth/login')
        .send({ email, password: 'not the password at all' });
      statuses.push(res.status);
    }
    return statuses;
  }

  it('with one REDIS_URL: the account budget is one across replicas', async () => {
    const group = await replicas({ REDIS_URL, REDIS_KEY_PREFIX: `test:${randomUUID()}:` });
    for (let run = 0; run < 3; run += 1) {
      const statuses = await failedLogins(group, PER_ACCOUNT + 3);
      expect(statuses).toEqual([...Array(PER_ACCOUNT).fill(401), 429, 429, 429]);
    }
  });

  it('without REDIS_URL: each replica counts the account alone', async () => {
    const group = await replicas({});
    const statuses = await failedLogins(group, 2 * PER_ACCOUNT + 2);
    expect(statuses).toEqual([...Array(2 * PER_ACCOUNT).fill(401), 429, 429]);
  });
});
