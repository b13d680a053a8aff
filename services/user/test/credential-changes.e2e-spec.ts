import fc from 'fast-check';
import request from 'supertest';
import { decodeJwt } from 'jose';
import {
  SERVICE_KEY,
  UserTestApp,
  expectNoLeak,
  startUserTestApp,
  uniqueEmail,
} from './user-test-app';

const USERS = '/api/v1/users';
const ME = '/api/v1/auth/me';
const MISSING = '00000000-0000-4000-8000-000000000000';

describe('credential changes and token revocation (e2e)', () => {
  let t: UserTestApp;
  let admin: string;
  const http = () => t.http();
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const me = (token: string) => http().get(ME).set(bearer(token));
  const patch = (token: string, id: string, body: object) =>
    http().patch(`${USERS}/${id}`).set(bearer(token)).send(body);
  const fieldsOf = (res: request.Response) =>
    [...new Set((res.body.errors as { field: string }[]).map((e) => e.field))].sort();
  const tokenState = (id: string) =>
    http().get(`/api/v1/internal/users/${id}/token-state`).set('x-service-key', SERVICE_KEY);

  beforeAll(async () => {
    t = await startUserTestApp();
    admin = await t.adminToken();
  });
  afterAll(async () => {
    await t?.close();
  });

  describe("changing one's own password or email needs current_password", () => {
    it.each([
      ['password', () => ({ password: 'a brand new password' })],
      ['email', () => ({ email: uniqueEmail('moved') })],
    ])('%s: 400 without it, naming the field; nothing changes', async (_kind, body) => {
      const user = await t.register();
      const res = await patch(user.token, user.id, body()).expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.type).toMatch(/\/current-password-required$/);
      expect(fieldsOf(res)).toEqual(['current_password']);
      await me(user.token).expect(200);
      await t.login(user.email, user.password);
    });

    it.each([
      ['password', () => ({ password: 'a brand new password' })],
      ['email', () => ({ email: uniqueEmail('moved') })],
    ])('%s: 403 with a wrong one, saying no more than a failed login', async (_kind, body) => {
      const user = await t.register();
      const res = await patch(user.token, user.id, {
        ...body(),
        current_password: 'not the password at all',
      }).expect(403);
      expect(res.body).toMatchObject({
        type: expect.stringMatching(/\/current-password-incorrect$/),
        status: 403,
        detail: 'The current password is incorrect.',
      });
      expect(res.body.errors).toBeUndefined();
      expectNoLeak(res.body);
      // nothing changed: the token still works, the old credentials still log in
      await me(user.token).expect(200);
      await t.login(user.email, user.password);
    });

    it('password: 200 with the right one; the old token is refused, a new login works', async () => {
      const user = await t.register();
      await patch(user.token, user.id, {
        password: 'a brand new password',
        current_password: user.password,
      }).expect(200);
      const refused = await me(user.token).expect(401);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      await http().get(`${USERS}/${user.id}`).set(bearer(user.token)).expect(401);
      const fresh = await t.login(user.email, 'a brand new password');
      expect(decodeJwt(fresh).tv).toBe((decodeJwt(user.token).tv as number) + 1);
      await me(fresh).expect(200);
    });

    it('email (PUT): 200 with the right one; the old token is refused, a new login works', async () => {
      const user = await t.register();
      const email = uniqueEmail('moved');
      const res = await http()
        .put(`${USERS}/${user.id}`)
        .set(bearer(user.token))
        .send({ name: 'Moved', email, current_password: user.password })
        .expect(200);
      expect(res.body.email).toBe(email);
      await me(user.token).expect(401);
      await me(await t.login(email, user.password)).expect(200);
    });

    it('is not needed for a name change or the same email (any case); those keep the token', async () => {
      const user = await t.register();
      await patch(user.token, user.id, { name: 'Renamed' }).expect(200);
      await http()
        .put(`${USERS}/${user.id}`)
        .set(bearer(user.token))
        .send({ name: 'Renamed again', email: user.email.toUpperCase() })
        .expect(200);
      await me(user.token).expect(200);
    });

    it('is needed by an admin changing their own password', async () => {
      const second = await t.register({ name: 'Second admin' });
      await patch(admin, second.id, { role: 'admin' }).expect(200);
      const token = await t.login(second.email, second.password);
      const res = await patch(token, second.id, { password: 'admin new password' }).expect(400);
      expect(fieldsOf(res)).toEqual(['current_password']);
      await patch(token, second.id, {
        password: 'admin new password',
        current_password: second.password,
      }).expect(200);
      await me(token).expect(401);
    });

    it("counts wrong current passwords in the email's login failure budget", async () => {
      const strict = await startUserTestApp({ extra: { LOGIN_MAX_FAILURES_PER_EMAIL: '2' } });
      try {
        const user = await strict.register();
        const attempt = () =>
          strict
            .http()
            .patch(`${USERS}/${user.id}`)
            .set(bearer(user.token))
            .send({ password: 'a brand new password', current_password: 'a wrong guess' });
        expect((await attempt()).status).toBe(403);
        expect((await attempt()).status).toBe(403);
        const blocked = await attempt().expect(429);
        expect(blocked.headers['retry-after']).toMatch(/^\d+$/);
        // the login form is closed for that email too: one budget
        await strict
          .http()
          .post('/api/v1/auth/login')
          .send({ email: user.email, password: user.password })
          .expect(429);
      } finally {
        await strict.close();
      }
    });
  });

  describe('an admin changing another user', () => {
    it.each([
      ['password', () => ({ password: 'set by the admin' })],
      ['email', () => ({ email: uniqueEmail('admin-moved') })],
      ['role', () => ({ role: 'admin' })],
    ])(
      '%s: needs no current_password, voids the old tokens; a new login works',
      async (kind, change) => {
        const user = await t.register({ name: `Target of ${kind}` });
        const body: { password?: string; email?: string; role?: string } = change();
        await patch(admin, user.id, body).expect(200);
        await me(user.token).expect(401);
        const fresh = await t.login(body.email ?? user.email, body.password ?? user.password);
        await me(fresh).expect(200);
        expect(decodeJwt(fresh).role).toBe(body.role ?? 'customer');
        // the admin's own token is untouched by changes to others
        await me(admin).expect(200);
      },
    );

    it('deleting a user voids their tokens', async () => {
      const user = await t.register();
      await http().delete(`${USERS}/${user.id}`).set(bearer(admin)).expect(204);
      await me(user.token).expect(401);
      await http().get(`${USERS}/${user.id}`).set(bearer(user.token)).expect(401);
    });
  });

  describe('null is not "omitted" in PUT and PATCH bodies', () => {
    it.each(['name', 'email', 'password', 'role', 'current_password'])(
      'PATCH %s: null is a 400 naming it, for an existing id and a missing one',
      async (field) => {
        const user = await t.register();
        for (const id of [user.id, MISSING]) {
          const res = await patch(admin, id, { [field]: null }).expect(400);
          expect(fieldsOf(res)).toEqual([field]);
        }
      },
    );

    it.each(['password', 'role', 'current_password'])(
      'PUT %s: null is a 400 naming it',
      async (field) => {
        const user = await t.register();
        const res = await http()
          .put(`${USERS}/${user.id}`)
          .set(bearer(user.token))
          .send({ name: 'N', email: user.email, [field]: null })
          .expect(400);
        expect(fieldsOf(res)).toEqual([field]);
      },
    );
  });

  describe('the token-state route (X-Service-Key)', () => {
    it('answers the current version, bumped by each change, and deleted for a missing user', async () => {
      const user = await t.register();
      expect((await tokenState(user.id).expect(200)).body).toEqual({
        token_version: 0,
        deleted: false,
      });
      await patch(admin, user.id, { password: 'set by the admin' }).expect(200);
      await patch(admin, user.id, { name: 'Only a name' }).expect(200);
      expect((await tokenState(user.id).expect(200)).body.token_version).toBe(1);
      await http().delete(`${USERS}/${user.id}`).set(bearer(admin)).expect(204);
      expect((await tokenState(user.id).expect(200)).body.deleted).toBe(true);
      expect((await tokenState(MISSING).expect(200)).body.deleted).toBe(true);
      await tokenState('not-a-uuid').expect(400);
      await http().get(`/api/v1/internal/users/${user.id}/token-state`).expect(401);
      await http()
        .get(`/api/v1/internal/users/${user.id}/token-state`)
        .set(bearer(admin))
        .expect(401);
    });
  });

  describe('generated sequences of changes and logins', () => {
    type Step = 'login' | 'own-password' | 'own-email' | 'rename' | 'admin-password' | 'role';

    it('refuses every token older than the last credential change and accepts the newer ones', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.constantFrom<Step>(
              'login',
              'own-password',
              'own-email',
              'rename',
              'admin-password',
              'role',
            ),
            { minLength: 1, maxLength: 6 },
          ),
          fc.boolean(),
          async (steps, deleteAtEnd) => {
            const user = await t.register();
            let { email, password } = user;
            let role = 'customer';
            let version = 0;
            // every token issued so far, with the version it was issued at
            const tokens: Array<{ token: string; version: number }> = [
              { token: user.token, version },
            ];
            // a token valid now: the newest, or a new login when the last change voided it
            const valid = async () => {
              const last = tokens[tokens.length - 1];
              if (last.version === version) return last.token;
              tokens.push({ token: await t.login(email, password), version });
              return tokens[tokens.length - 1].token;
            };
            let n = 0;
            for (const step of steps) {
              n += 1;
              switch (step) {
                case 'login':
                  tokens.push({ token: await t.login(email, password), version });
                  break;
                case 'rename':
                  await patch(await valid(), user.id, { name: `Name ${n}` }).expect(200);
                  break;
                case 'own-password': {
                  const next = `password number ${n} of ${user.id}`;
                  await patch(await valid(), user.id, {
                    password: next,
                    current_password: password,
                  }).expect(200);
                  password = next;
                  version += 1;
                  tokens.push({ token: await t.login(email, password), version });
                  break;
                }
                case 'own-email': {
                  const next = uniqueEmail('seq');
                  await patch(await valid(), user.id, {
                    email: next,
                    current_password: password,
                  }).expect(200);
                  email = next;
                  version += 1;
                  tokens.push({ token: await t.login(email, password), version });
                  break;
                }
                case 'admin-password': {
                  const next = `admin-set password ${n} of ${user.id}`;
                  await patch(admin, user.id, { password: next }).expect(200);
                  password = next;
                  version += 1;
                  break;
                }
                case 'role': {
                  role = role === 'customer' ? 'admin' : 'customer';
                  await patch(admin, user.id, { role }).expect(200);
                  version += 1;
                  break;
                }
              }
              for (const issued of tokens) {
                const status = (await me(issued.token)).status;
                expect({ step, issuedAt: issued.version, version, status }).toEqual({
                  step,
                  issuedAt: issued.version,
                  version,
                  status: issued.version === version ? 200 : 401,
                });
              }
            }
            if (deleteAtEnd) {
              await http().delete(`${USERS}/${user.id}`).set(bearer(admin)).expect(204);
              for (const issued of tokens) await me(issued.token).expect(401);
            }
          },
        ),
        { numRuns: 8 },
      );
    });
  });
});
