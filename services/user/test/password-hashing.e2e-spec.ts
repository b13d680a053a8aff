import fc from 'fast-check';
import http from 'node:http';
import { availableParallelism } from 'node:os';
import { loadUserConfig } from '../src/infrastructure/config/user.config';
import { UserTestApp, expectNoLeak, startUserTestApp, uniqueEmail } from './user-test-app';

// Requests that run the password KDF (login, registration, a user update with a password)
// share per-IP and per-account budgets, and their KDF runs are bounded (issue 9).

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

let nextAddress = 0;
/** A loopback address of its own (Linux routes all of 127/8 to lo): a fresh per-IP budget. */
function freshAddress(): string {
  nextAddress += 1;
  return `127.0.${10 + (nextAddress >> 8)}.${nextAddress & 255 || 1}`;
}

/** One request from a chosen source address (supertest cannot choose it). */
function call(
  t: UserTestApp,
  method: string,
  path: string,
  options: { body?: unknown; token?: string; from?: string } = {},
): Promise<Reply> {
  const url = new URL(path, t.baseUrl);
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = {};
  if (payload) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method,
        headers,
        localAddress: options.from,
        agent: false,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

interface Account {
  id: string;
  email: string;
  password: string;
}

/** Registers a user from an address of its own (it spends that address's budget only). */
async function newAccount(t: UserTestApp): Promise<Account> {
  const account = { email: uniqueEmail('hashing'), password: 'initial password' };
  const res = await call(t, 'POST', '/api/v1/users', {
    body: { name: 'Hashing', ...account },
    from: freshAddress(),
  });
  expect(res.status).toBe(201);
  return { id: res.body.id as string, ...account };
}

function expectRateLimited(res: Reply, type: RegExp): void {
  expect(res.status).toBe(429);
  expect(res.headers['content-type']).toContain('application/problem+json');
  expect(res.body.type).toMatch(type);
  expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  expectNoLeak(res.body);
}

type HashingOp = 'register' | 'login' | 'wrong-login' | 'put-password' | 'patch-password';
type PlainOp = 'patch-name' | 'me';

/**
 * Runs one operation against `account` from `from`; password changes are an admin's (no
 * current password needed), so the account's password stays known to the generator.
 */
async function run(
  t: UserTestApp,
  op: HashingOp | PlainOp,
  account: Account,
  admin: string,
  from: string,
): Promise<Reply> {
  switch (op) {
    case 'register':
      return call(t, 'POST', '/api/v1/users', {
        body: { name: 'Gen', email: uniqueEmail('gen'), password: 'generated password' },
        from,
      });
    case 'login':
      return call(t, 'POST', '/api/v1/auth/login', {
        body: { email: account.email, password: account.password },
        from,
      });
    case 'wrong-login':
      return call(t, 'POST', '/api/v1/auth/login', {
        body: { email: account.email, password: 'not the password' },
        from,
      });
    case 'put-password':
    case 'patch-password': {
      const password = `changed ${Math.random().toString(36).slice(2)}`;
      const res = await call(
        t,
        op === 'put-password' ? 'PUT' : 'PATCH',
        `/api/v1/users/${account.id}`,
        {
          body:
            op === 'put-password' ? { name: 'Gen', email: account.email, password } : { password },
          token: admin,
          from,
        },
      );
      if (res.status === 200) account.password = password;
      return res;
    }
    case 'patch-name':
      return call(t, 'PATCH', `/api/v1/users/${account.id}`, {
        body: { name: `Renamed ${Math.random().toString(36).slice(2, 8)}` },
        token: admin,
        from,
      });
    case 'me':
      return call(t, 'GET', '/api/v1/auth/me', { token: admin, from });
  }
}

const SUCCESS: Record<HashingOp | PlainOp, number> = {
  register: 201,
  login: 200,
  'wrong-login': 401,
  'put-password': 200,
  'patch-password': 200,
  'patch-name': 200,
  me: 200,
};

const hashingOp = fc.constantFrom<HashingOp>(
  'register',
  'login',
  'wrong-login',
  'put-password',
  'patch-password',
);
const plainOp = fc.constantFrom<PlainOp>('patch-name', 'me');

describe('the auth budget per IP, shared by every request that hashes a password (e2e)', () => {
  const LIMIT = 5;
  let t: UserTestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startUserTestApp({
      extra: {
        AUTH_RATE_LIMIT_PER_MINUTE: String(LIMIT),
        // the per-account budget is tested on its own below
        AUTH_RATE_LIMIT_PER_ACCOUNT_PER_MINUTE: '100000',
      },
    });
    const res = await call(t, 'POST', '/api/v1/auth/login', {
      body: { email: 'admin@example.com', password: 'initial-admin-password' },
      from: freshAddress(),
    });
    admin = res.body.access_token as string;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses the 6th hashing request from one IP, whichever endpoints; plain requests spend nothing (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(hashingOp, { minLength: LIMIT + 1, maxLength: LIMIT + 1 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: LIMIT }), plainOp), { maxLength: 4 }),
        async (hashing, plain) => {
          const account = await newAccount(t);
          const from = freshAddress();
          const hashed: Reply[] = [];
          for (let i = 0; i < hashing.length; i += 1) {
            for (const [, op] of plain.filter(([at]) => at === i)) {
              const res = await run(t, op, account, admin, from);
              expect(res.status).toBe(SUCCESS[op]);
              // the platform's limit, not the auth budget
              expect(res.headers['x-ratelimit-limit']).not.toBe(String(LIMIT));
            }
            hashed.push(await run(t, hashing[i], account, admin, from));
          }
          hashed.slice(0, LIMIT).forEach((res, i) => {
            expect(res.status).toBe(SUCCESS[hashing[i]]);
            expect(res.headers['x-ratelimit-limit']).toBe(String(LIMIT));
            expect(res.headers['x-ratelimit-remaining']).toBe(String(LIMIT - 1 - i));
            expect(Number(res.headers['x-ratelimit-reset'])).toBeGreaterThan(0);
          });
          const refused = hashed[LIMIT];
          expectRateLimited(refused, /\/rate-limited$/);
          expect(refused.headers['x-ratelimit-limit']).toBe(String(LIMIT));
          expect(refused.headers['x-ratelimit-remaining']).toBe('0');
          // another address is not affected
          const elsewhere = await run(t, 'login', account, admin, freshAddress());
          expect(elsewhere.status).toBe(200);
        },
      ),
      { numRuns: 6, seed: 9 },
    );
  });

  it('states the auth budget in x-ratelimit-* on login and registration, not the platform-wide limit', async () => {
    const from = freshAddress();
    const email = uniqueEmail('headers');
    const registered = await call(t, 'POST', '/api/v1/users', {
      body: { name: 'Headers', email, password: 'header password' },
      from,
    });
    const login = await call(t, 'POST', '/api/v1/auth/login', {
      body: { email, password: 'header password' },
      from,
    });
    expect([registered.status, login.status]).toEqual([201, 200]);
    expect(registered.headers['x-ratelimit-limit']).toBe(String(LIMIT));
    expect(registered.headers['x-ratelimit-remaining']).toBe(String(LIMIT - 1));
    expect(login.headers['x-ratelimit-limit']).toBe(String(LIMIT));
    expect(login.headers['x-ratelimit-remaining']).toBe(String(LIMIT - 2));
    // a route outside the auth budget keeps the platform's headers (RATE_LIMIT_PER_MINUTE)
    const jwks = await call(t, 'GET', '/api/v1/auth/jwks.json', { from });
    expect(jwks.headers['x-ratelimit-limit']).toBe(t.env.RATE_LIMIT_PER_MINUTE);
  });

  it('does not count a password change without a valid token', async () => {
    const account = await newAccount(t);
    const from = freshAddress();
    for (let i = 0; i < LIMIT + 2; i += 1) {
      const res = await call(t, 'PATCH', `/api/v1/users/${account.id}`, {
        body: { password: 'no token here' },
        from,
      });
      expect(res.status).toBe(401);
    }
    const login = await run(t, 'login', account, admin, from);
    expect(login.status).toBe(200);
    expect(login.headers['x-ratelimit-remaining']).toBe(String(LIMIT - 1));
  });
});

describe('the auth budget per account (e2e)', () => {
  const PER_ACCOUNT = 3;
  let t: UserTestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startUserTestApp({
      extra: {
        AUTH_RATE_LIMIT_PER_MINUTE: '100000',
        AUTH_RATE_LIMIT_PER_ACCOUNT_PER_MINUTE: String(PER_ACCOUNT),
      },
    });
    admin = await t.adminToken();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses hashing requests past the budget of one account, from any addresses (generated)', async () => {
    // login and registration are counted per email, updates per user id
    const byEmail = fc.constantFrom('login', 'wrong-login', 'register-same');
    const byId = fc.constantFrom('patch-password', 'put-password');
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          // the registration of the account already spent one of its email's budget
          fc.array(byEmail, { minLength: PER_ACCOUNT, maxLength: PER_ACCOUNT }),
          fc.array(byId, { minLength: PER_ACCOUNT + 1, maxLength: PER_ACCOUNT + 1 }),
        ),
        fc.array(plainOp, { maxLength: 3 }),
        async (ops, plain) => {
          const account = await newAccount(t);
          for (const op of plain) {
            expect((await run(t, op, account, admin, freshAddress())).status).toBe(SUCCESS[op]);
          }
          const replies: Reply[] = [];
          for (const op of ops) {
            replies.push(
              op === 'register-same'
                ? await call(t, 'POST', '/api/v1/users', {
                    body: {
                      name: 'Again',
                      email: account.email.toUpperCase(),
                      password: 'whatever1',
                    },
                    from: freshAddress(),
                  })
                : await run(t, op as HashingOp, account, admin, freshAddress()),
            );
          }
          replies.slice(0, -1).forEach((res, i) => {
            const op = ops[i];
            expect(res.status).toBe(op === 'register-same' ? 409 : SUCCESS[op as HashingOp]);
          });
          expectRateLimited(replies[replies.length - 1], /\/rate-limited$/);
          // another account is not affected
          const other = await newAccount(t);
          expect((await run(t, 'login', other, admin, freshAddress())).status).toBe(200);
        },
      ),
      { numRuns: 6, seed: 9 },
    );
  });
});

describe('concurrent password hashing is bounded (e2e)', () => {
  let t: UserTestApp;
  let admin: string;
  let accounts: Account[];

  beforeAll(async () => {
    t = await startUserTestApp({
      extra: {
        // two KDF runs at once, one of them kept for logins; no waiting: refused at once
        PASSWORD_HASH_CONCURRENCY: '2',
        PASSWORD_HASH_QUEUE: '0',
        // slower hashes (still far below production's 2^17): bursts overlap
        PASSWORD_SCRYPT_LOG_N: '15',
      },
    });
    admin = await t.adminToken();
    accounts = [];
    for (let i = 0; i < 3; i += 1) accounts.push(await newAccount(t));
  });
  afterAll(async () => {
    await t?.close();
  });

  const burstOp = fc.record({
    op: fc.constantFrom<HashingOp | PlainOp>(
      'register',
      'register',
      'patch-password',
      'put-password',
      'login',
      'wrong-login',
      'patch-name',
    ),
    account: fc.integer({ min: 0, max: 2 }),
  });

  it('answers a generated mix of concurrent requests without a 5xx: done, or 429 with Retry-After (generated)', async () => {
    let busy = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(burstOp, { minLength: 2, maxLength: 10 }), async (burst) => {
        const replies = await Promise.all(
          burst.map(({ op, account }) => run(t, op, accounts[account], admin, freshAddress())),
        );
        const checks = burst.filter(({ op }) => op === 'login' || op === 'wrong-login').length;
        replies.forEach((res, i) => {
          const { op } = burst[i];
          expect(res.status).toBeLessThan(500);
          if (res.status === 429) {
            expectRateLimited(res, /\/password-hashing-busy$/);
            expect(op).not.toBe('patch-name'); // it hashes nothing
            // hashes never take the slot kept for logins: a lone login always gets through
            if (op === 'login' || op === 'wrong-login') expect(checks).toBeGreaterThan(1);
            busy += 1;
          } else {
            expect(res.status).toBe(SUCCESS[op]);
          }
        });
        // a refusal left nothing half done: every account still logs in with its password
        for (const account of accounts) {
          expect((await run(t, 'login', account, admin, freshAddress())).status).toBe(200);
        }
      }),
      { numRuns: 8, seed: 9 },
    );
    // the bound did refuse something over the runs (bursts of up to 10 against 2 slots)
    expect(busy).toBeGreaterThan(0);
  });

  it('refuses registrations past the bound at once, and a refused one can register later', async () => {
    const emails = Array.from({ length: 8 }, () => uniqueEmail('burst'));
    const replies = await Promise.all(
      emails.map((email) =>
        call(t, 'POST', '/api/v1/users', {
          body: { name: 'Burst', email, password: 'burst password' },
          from: freshAddress(),
        }),
      ),
    );
    const refused = emails.filter((_, i) => replies[i].status === 429);
    expect(refused.length).toBeGreaterThan(0);
    replies.forEach((res) => {
      if (res.status === 429) expectRateLimited(res, /\/password-hashing-busy$/);
      else expect(res.status).toBe(201);
    });
    for (const email of refused) {
      const again = await call(t, 'POST', '/api/v1/users', {
        body: { name: 'Burst', email, password: 'burst password' },
        from: freshAddress(),
      });
      expect(again.status).toBe(201);
    }
  });
});

describe('password hashing configuration', () => {
  const base = { DATABASE_URL: 'postgres://x@127.0.0.1/user_db' };

  it('has the documented defaults: the threadpool size at most the cores, one slot kept for logins', () => {
    const cores = availableParallelism();
    const config = loadUserConfig(base);
    expect(config.authRateLimitPerAccountPerMinute).toBe(120);
    expect(config.passwordHashing).toEqual({
      concurrency: Math.max(2, Math.min(4, cores)),
      reservedForVerify: 1,
      queue: 8,
      maxWaitMs: 1000,
    });
    expect(loadUserConfig({ ...base, UV_THREADPOOL_SIZE: '64' }).passwordHashing.concurrency).toBe(
      Math.max(2, Math.min(64, cores)),
    );
    expect(loadUserConfig({ ...base, UV_THREADPOOL_SIZE: '1' }).passwordHashing.concurrency).toBe(
      2,
    );
    expect(
      loadUserConfig({ ...base, PASSWORD_HASH_CONCURRENCY: '6' }).passwordHashing,
    ).toMatchObject({ concurrency: 6, reservedForVerify: 1 });
    expect(
      loadUserConfig({ ...base, AUTH_RATE_LIMIT_PER_MINUTE: '30' })
        .authRateLimitPerAccountPerMinute,
    ).toBe(30);
    expect(
      loadUserConfig({ ...base, PASSWORD_HASH_CONCURRENCY: '1' }).passwordHashing,
    ).toMatchObject({ concurrency: 1, reservedForVerify: 0 });
  });

  it.each([
    ['PASSWORD_HASH_CONCURRENCY', '0'],
    ['PASSWORD_HASH_QUEUE', '-1'],
    ['PASSWORD_HASH_MAX_WAIT_MS', 'soon'],
    ['AUTH_RATE_LIMIT_PER_ACCOUNT_PER_MINUTE', '0'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    expect(() => loadUserConfig({ ...base, [name]: value })).toThrow(new RegExp(name));
  });
});

describe('a login refused as busy is not a failed login (e2e)', () => {
  let t: UserTestApp;

  beforeAll(async () => {
    t = await startUserTestApp({
      extra: {
        // one slot for everything and no queue: a login racing registrations is refused
        PASSWORD_HASH_CONCURRENCY: '1',
        PASSWORD_HASH_QUEUE: '0',
        PASSWORD_SCRYPT_LOG_N: '15',
        // a single counted failure would lock the account
        LOGIN_MAX_FAILURES_PER_EMAIL: '1',
      },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('leaves the account able to log in after its login was refused with password-hashing-busy', async () => {
    const account = await newAccount(t);
    let refusedLogins = 0;
    for (let burst = 0; burst < 8 && refusedLogins === 0; burst += 1) {
      const [login] = await Promise.all([
        call(t, 'POST', '/api/v1/auth/login', {
          body: { email: account.email, password: account.password },
          from: freshAddress(),
        }),
        ...Array.from({ length: 6 }, () =>
          call(t, 'POST', '/api/v1/users', {
            body: { name: 'Busy', email: uniqueEmail('busy'), password: 'busy password' },
            from: freshAddress(),
          }),
        ),
      ]);
      if (login.status === 429) {
        expectRateLimited(login, /\/password-hashing-busy$/);
        refusedLogins += 1;
      } else {
        expect(login.status).toBe(200);
      }
      // counted as a failure, this would be 429 too-many-login-attempts
      const after = await call(t, 'POST', '/api/v1/auth/login', {
        body: { email: account.email, password: account.password },
        from: freshAddress(),
      });
      expect(after.status).toBe(200);
    }
    expect(refusedLogins).toBeGreaterThan(0);
  });
});
