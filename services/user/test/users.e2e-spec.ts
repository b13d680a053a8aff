import request from 'supertest';
import {
  ADMIN,
  SERVICE_KEY,
  UserTestApp,
  expectNoLeak,
  startUserTestApp,
  uniqueEmail,
} from './user-test-app';

const USERS = '/api/v1/users';
const MISSING = '00000000-0000-4000-8000-000000000000';

describe('users API (e2e)', () => {
  let t: UserTestApp;
  const http = () => t.http();
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const fieldsOf = (res: request.Response) => [
    ...new Set((res.body.errors as { field: string }[]).map((e) => e.field)),
  ];

  beforeAll(async () => {
    t = await startUserTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('registration', () => {
    it('registers a customer: name trimmed, email trimmed and lower-cased, no password in the answer', async () => {
      const email = uniqueEmail('Ada');
      const res = await http()
        .post(`${USERS}/`)
        .send({
          name: '  Ada Lovelace ',
          email: `  ${email.toUpperCase()} `,
          password: 'analytical engine',
        })
        .expect(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: 'Ada Lovelace',
        email: email.toLowerCase(),
        role: 'customer',
        created_at: expect.any(String),
        updated_at: expect.any(String),
      });
      expectNoLeak(res.body);
      expect(JSON.stringify(res.body)).not.toContain('analytical engine');
    });

    it('refuses a duplicate email in another letter case with 409 email-taken', async () => {
      const email = uniqueEmail('dup');
      await http().post(USERS).send({ name: 'First', email, password: 'password one' }).expect(201);
      const res = await http()
        .post(USERS)
        .send({ name: 'Second', email: email.toUpperCase(), password: 'password two' })
        .expect(409);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.type).toMatch(/\/email-taken$/);
      expectNoLeak(res.body);
    });

    it('lets exactly one of several concurrent registrations of one email (any case) through', async () => {
      const email = uniqueEmail('race');
      const variants = [email, email.toUpperCase(), ` ${email} `, email, email.toUpperCase()];
      const results = await Promise.all(
        variants.map((variant, i) =>
          http()
            .post(USERS)
            .send({ name: `Racer ${i}`, email: variant, password: 'racing password' }),
        ),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([201, 409, 409, 409, 409]);
    });

    it.each<[string, string, Record<string, unknown>]>([
      ['a 7-character password', 'password', { password: 'short77' }],
      ['a 129-character password', 'password', { password: 'x'.repeat(129) }],
      ['a 1,000,000-character password', 'password', { password: 'x'.repeat(1_000_000) }],
      ['a missing password', 'password', { password: undefined }],
      ['a malformed email', 'email', { email: 'not-an-email' }],
      ['an email without a domain', 'email', { email: 'ada@' }],
      ['an overlong email', 'email', { email: `${'a'.repeat(250)}@example.com` }],
      ['an empty name', 'name', { name: '   ' }],
      ['a 201-character name', 'name', { name: 'x'.repeat(201) }],
      ['an unknown field', 'nickname', { nickname: 'ada' }],
      ['an id', 'id', { id: MISSING }],
    ])('refuses %s with 400 naming the field', async (_label, field, change) => {
      const res = await http()
        .post(USERS)
        .send({ name: 'Valid', email: uniqueEmail(), password: 'valid password', ...change });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(fieldsOf(res)).toContain(field);
      expectNoLeak(res.body);
    });

    it('refuses role "admin" in a registration with 400 and creates nobody', async () => {
      const email = uniqueEmail('sneaky');
      const res = await http()
        .post(USERS)
        .send({ name: 'Sneaky', email, password: 'i want to be admin', role: 'admin' })
        .expect(400);
      expect(fieldsOf(res)).toEqual(['role']);
      await http()
        .post('/api/v1/auth/login')
        .send({ email, password: 'i want to be admin' })
        .expect(401);
      const list = await http()
        .get(USERS)
        .query({ limit: 100 })
        .set(bearer(await t.adminToken()))
        .expect(200);
      const admins = (list.body.items as { email: string; role: string }[]).filter(
        (u) => u.role === 'admin',
      );
      expect(admins.map((u) => u.email)).toEqual([ADMIN.email]);
    });
  });

  describe('login and /auth/me', () => {
    it('logs in with the email in any case and returns the caller', async () => {
      const email = uniqueEmail('me');
      const created = await http()
        .post(USERS)
        .send({ name: 'Me', email, password: 'my own password' })
        .expect(201);
      const login = await http()
        .post('/api/v1/auth/login')
        .send({ email: ` ${email.toUpperCase()}`, password: 'my own password' })
        .expect(200);
      expect(login.body).toEqual({
        access_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
        token_type: 'Bearer',
        expires_in: 900,
      });
      expect(login.headers['cache-control']).toBe('no-store');
      const me = await http()
        .get('/api/v1/auth/me')
        .set(bearer(login.body.access_token))
        .expect(200);
      expect(me.body).toEqual(created.body);
    });

    it('answers /auth/me without a token with 401', async () => {
      const res = await http().get('/api/v1/auth/me').expect(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
    });
  });

  describe('self or admin', () => {
    let alice: Awaited<ReturnType<UserTestApp['register']>>;
    let bob: Awaited<ReturnType<UserTestApp['register']>>;
    let admin: string;

    beforeAll(async () => {
      alice = await t.register({ name: 'Alice' });
      bob = await t.register({ name: 'Bob' });
      admin = await t.adminToken();
    });

    it('lets a customer read, replace and patch themselves', async () => {
      await http().get(`${USERS}/${alice.id}`).set(bearer(alice.token)).expect(200);
      const put = await http()
        .put(`${USERS}/${alice.id}`)
        .set(bearer(alice.token))
        .send({ name: ' Alice A. ', email: alice.email })
        .expect(200);
      expect(put.body).toMatchObject({ id: alice.id, name: 'Alice A.', role: 'customer' });
      const patch = await http()
        .patch(`${USERS}/${alice.id}`)
        .set(bearer(alice.token))
        .send({ name: 'Alice' })
        .expect(200);
      expect(patch.body.name).toBe('Alice');
      expect(new Date(patch.body.updated_at).getTime()).toBeGreaterThanOrEqual(
        new Date(put.body.updated_at).getTime(),
      );
    });

    it('answers 404 to a customer reading, replacing, patching or deleting another user', async () => {
      const as = bearer(alice.token);
      const target = `${USERS}/${bob.id}`;
      const responses = [
        await http().get(target).set(as),
        await http().put(target).set(as).send({ name: 'Hacked', email: bob.email }),
        await http().patch(target).set(as).send({ name: 'Hacked' }),
        await http().delete(target).set(as),
      ];
      for (const res of responses) {
        expect(res.status).toBe(404);
        expect(res.body.type).toMatch(/\/user-not-found$/);
      }
      // and the same answer as for an id that does not exist at all
      const unknown = await http().get(`${USERS}/${MISSING}`).set(as).expect(404);
      expect(unknown.body.detail).toBe(`User ${MISSING} not found`);
      const me = await http().get(target).set(bearer(bob.token)).expect(200);
      expect(me.body.name).toBe('Bob');
    });

    it('lets an admin read, patch and delete anyone', async () => {
      const carol = await t.register({ name: 'Carol' });
      await http().get(`${USERS}/${carol.id}`).set(bearer(admin)).expect(200);
      const patched = await http()
        .patch(`${USERS}/${carol.id}`)
        .set(bearer(admin))
        .send({ name: 'Carol (checked)' })
        .expect(200);
      expect(patched.body.name).toBe('Carol (checked)');
      await http().delete(`${USERS}/${carol.id}`).set(bearer(admin)).expect(204);
      await http().get(`${USERS}/${carol.id}`).set(bearer(admin)).expect(404);
      await http().delete(`${USERS}/${carol.id}`).set(bearer(admin)).expect(404);
    });

    it('lets only an admin change a role', async () => {
      const dave = await t.register({ name: 'Dave' });
      const refused = await http()
        .patch(`${USERS}/${dave.id}`)
        .set(bearer(dave.token))
        .send({ role: 'admin' })
        .expect(403);
      expect(refused.body.type).toMatch(/\/role-change-forbidden$/);
      // repeating one's own role is not a change
      await http()
        .put(`${USERS}/${dave.id}`)
        .set(bearer(dave.token))
        .send({ name: 'Dave', email: dave.email, role: 'customer' })
        .expect(200);
      const promoted = await http()
        .patch(`${USERS}/${dave.id}`)
        .set(bearer(admin))
        .send({ role: 'admin' })
        .expect(200);
      expect(promoted.body.role).toBe('admin');
      const token = await t.login(dave.email, dave.password);
      await http().get(USERS).set(bearer(token)).expect(200);
    });

    it('refuses an email taken by another user (any case) with 409', async () => {
      const res = await http()
        .patch(`${USERS}/${alice.id}`)
        .set(bearer(alice.token))
        .send({ email: bob.email.toUpperCase(), current_password: alice.password })
        .expect(409);
      expect(res.body.type).toMatch(/\/email-taken$/);
    });

    it('changes the password: the new one logs in, the old one no longer does', async () => {
      const erin = await t.register({ name: 'Erin' });
      await http()
        .patch(`${USERS}/${erin.id}`)
        .set(bearer(erin.token))
        .send({ password: 'a brand new password', current_password: erin.password })
        .expect(200);
      await http()
        .post('/api/v1/auth/login')
        .send({ email: erin.email, password: erin.password })
        .expect(401);
      await t.login(erin.email, 'a brand new password');
    });

    it('validates PUT and PATCH bodies', async () => {
      const put = await http()
        .put(`${USERS}/${alice.id}`)
        .set(bearer(alice.token))
        .send({ name: 'Only a name' })
        .expect(400);
      expect(fieldsOf(put)).toEqual(['email']);
      const patch = await http()
        .patch(`${USERS}/${alice.id}`)
        .set(bearer(alice.token))
        .send({ password: 'short', created_at: 'now' })
        .expect(400);
      expect(fieldsOf(patch).sort()).toEqual(['created_at', 'password']);
      await http().get(`${USERS}/not-a-uuid`).set(bearer(alice.token)).expect(400);
    });

    it('lets a customer delete themselves; their token is then refused', async () => {
      const frank = await t.register({ name: 'Frank' });
      await http().delete(`${USERS}/${frank.id}`).set(bearer(frank.token)).expect(204);
      await http().get('/api/v1/auth/me').set(bearer(frank.token)).expect(401);
      await http()
        .post('/api/v1/auth/login')
        .send({ email: frank.email, password: frank.password })
        .expect(401);
    });

    it('answers 401 without a token on every user endpoint', async () => {
      await http().get(`${USERS}/${alice.id}`).expect(401);
      await http().put(`${USERS}/${alice.id}`).send({ name: 'x', email: alice.email }).expect(401);
      await http().patch(`${USERS}/${alice.id}`).send({ name: 'x' }).expect(401);
      await http().delete(`${USERS}/${alice.id}`).expect(401);
      await http().get(USERS).expect(401);
    });
  });

  describe('admin list', () => {
    it('pages in creation order with the total; 403 for a customer; 400 outside the limits', async () => {
      const admin = await t.adminToken();
      const customer = await t.register({ name: 'Lister' });
      const first = await http().get(USERS).query({ limit: 2 }).set(bearer(admin)).expect(200);
      expect(first.body).toMatchObject({ limit: 2, offset: 0 });
      expect(first.body.items).toHaveLength(2);
      const total = first.body.total as number;
      expect(total).toBeGreaterThan(3);
      const all = await http().get(USERS).query({ limit: 100 }).set(bearer(admin)).expect(200);
      expect(all.body.total).toBe(total);
      const second = await http()
        .get(USERS)
        .query({ limit: 2, offset: 2 })
        .set(bearer(admin))
        .expect(200);
      const ids = (page: request.Response) =>
        (page.body.items as { id: string }[]).map((u) => u.id);
      expect([...ids(first), ...ids(second)]).toEqual(ids(all).slice(0, 4));
      expect(all.body.items[0].email).toBe(ADMIN.email);
      for (const item of all.body.items)
        expect(Object.keys(item).sort()).toEqual([
          'created_at',
          'email',
          'id',
          'name',
          'role',
          'updated_at',
        ]);
      expectNoLeak(all.body);

      const forbidden = await http().get(USERS).set(bearer(customer.token)).expect(403);
      expect(forbidden.headers['content-type']).toContain('application/problem+json');
      await http().get(USERS).query({ limit: 101 }).set(bearer(admin)).expect(400);
      await http().get(USERS).query({ offset: -1 }).set(bearer(admin)).expect(400);
    });
  });

  describe('internal lookup (service-to-service)', () => {
    it('answers {id, role, exists} to a service key, 404 for an unknown user', async () => {
      const user = await t.register({ name: 'Looked up' });
      const res = await http()
        .get(`/api/v1/internal/users/${user.id}`)
        .set('x-service-key', SERVICE_KEY)
        .expect(200);
      expect(res.body).toEqual({ id: user.id, role: 'customer', exists: true });
      const missing = await http()
        .get(`/api/v1/internal/users/${MISSING}`)
        .set('x-service-key', SERVICE_KEY)
        .expect(404);
      expect(missing.body.type).toMatch(/\/user-not-found$/);
    });

    it('is closed to user tokens (even an admin) and to wrong keys', async () => {
      const user = await t.register();
      const path = `/api/v1/internal/users/${user.id}`;
      await http().get(path).expect(401);
      await http()
        .get(path)
        .set(bearer(await t.adminToken()))
        .expect(401);
      await http().get(path).set('x-service-key', 'not-the-right-key-at-all').expect(401);
    });
  });

  it('documents every endpoint in OpenAPI', async () => {
    const res = await http().get('/docs-json').expect(200);
    const paths = Object.keys(res.body.paths as object);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/v1/users',
        '/api/v1/users/{id}',
        '/api/v1/auth/login',
        '/api/v1/auth/me',
        '/api/v1/auth/jwks.json',
        '/api/v1/internal/users/{id}',
        '/api/v1/internal/users/{id}/token-state',
      ]),
    );
    // current_password is documented on both bodies, as optional
    const schemas = res.body.components.schemas;
    for (const name of ['ReplaceUserDto', 'UpdateUserDto']) {
      expect(schemas[name].properties.current_password).toMatchObject({
        type: 'string',
        format: 'password',
        maxLength: 128,
      });
      expect(schemas[name].required ?? []).not.toContain('current_password');
    }
    expect(Object.keys(res.body.paths['/api/v1/users/{id}'].patch.responses)).toEqual(
      expect.arrayContaining(['200', '400', '401', '403', '404', '409']),
    );
    const login = res.body.paths['/api/v1/auth/login'].post;
    expect(Object.keys(login.responses)).toEqual(
      expect.arrayContaining(['200', '400', '401', '429']),
    );
  });
});
