import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import {
  TestDatabase,
  createTestDatabase,
  freePort,
  startTestService,
  testEnv,
} from '@app/testing';
import { UserModule } from '../src/user.module';

export const ISSUER = 'http://user.test';
export const AUDIENCE = 'nest-commerce';
export const ADMIN = { email: 'admin@example.com', password: 'initial-admin-password' };
export const SERVICE_KEY = 'order-validation-test-key';
/**
 * The key of every service the user test app accepts: services verifying its tokens ask its
 * token-state route with their own SERVICE_API_KEY, so give them these.
 */
export const PEER_KEYS = {
  'order-validation': SERVICE_KEY,
  product: 'product-test-key-for-user-0001',
  cart: 'cart-test-key-for-user-00001',
  order: 'order-test-key-for-user-00001',
  payment: 'payment-test-key-for-user-0001',
  delivery: 'delivery-test-key-for-user-001',
} as const;

export interface UserTestApp {
  app: NestFastifyApplication;
  db: TestDatabase;
  baseUrl: string;
  jwksUrl: string;
  env: Record<string, string | undefined>;
  http(): ReturnType<typeof request>;
  register(body?: Partial<{ name: string; email: string; password: string }>): Promise<{
    id: string;
    email: string;
    password: string;
    token: string;
  }>;
  login(email: string, password: string): Promise<string>;
  adminToken(): Promise<string>;
  close(): Promise<void>;
}

let counter = 0;
export function uniqueEmail(prefix = 'user'): string {
  counter += 1;
  return `${prefix}.${Date.now().toString(36)}.${counter}@example.com`;
}

export interface UserTestAppOptions {
  /** share a database with another instance; it is then not dropped by close() */
  db?: TestDatabase;
  extra?: Record<string, string>;
}

/**
 * The user service on its own fresh database, listening on a real port (its JWKS is fetched
 * over HTTP), with the initial admin configured and quick scrypt parameters (2^12: the
 * parameters are stored with each hash, so nothing else changes).
 */
export async function startUserTestApp(options: UserTestAppOptions = {}): Promise<UserTestApp> {
  const db = options.db ?? (await createTestDatabase('user'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const jwksUrl = `${baseUrl}/api/v1/auth/jwks.json`;
  const env = testEnv({
    databaseUrl: db.url,
    issuer: { jwksUrl, issuer: ISSUER, audience: AUDIENCE },
    serviceKeys: PEER_KEYS,
    extra: {
      PORT: String(port),
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      PASSWORD_SCRYPT_LOG_N: '12',
      RATE_LIMIT_PER_MINUTE: '100000',
      AUTH_RATE_LIMIT_PER_MINUTE: '100000',
      LOGIN_MAX_FAILURES_PER_EMAIL: '1000',
      ...options.extra,
    },
  });
  const app = await startTestService(UserModule.forRoot(env), { listen: true });
  const http = () => request(app.getHttpServer());

  const login = async (email: string, password: string): Promise<string> => {
    const res = await http().post('/api/v1/auth/login').send({ email, password });
    if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${res.text}`);
    return res.body.access_token as string;
  };

  return {
    app,
    db,
    baseUrl,
    jwksUrl,
    env,
    http,
    login,
    adminToken: () => login(ADMIN.email, ADMIN.password),
    async register(body = {}) {
      const payload = {
        name: 'Test User',
        email: uniqueEmail(),
        password: 'a long test password',
        ...body,
      };
      const res = await http().post('/api/v1/users').send(payload);
      if (res.status !== 201) throw new Error(`register: ${res.status} ${res.text}`);
      return {
        id: res.body.id as string,
        email: res.body.email as string,
        password: payload.password,
        token: await login(payload.email, payload.password),
      };
    },
    async close() {
      await app.close();
      if (!options.db) await db.drop();
    },
  };
}

/** A response body must never leak a stack trace, SQL or a password hash. */
export function expectNoLeak(body: unknown): void {
  const text = JSON.stringify(body ?? '');
  expect(text).not.toMatch(/\bat .+\(.*:\d+:\d+\)/);
  expect(text).not.toMatch(/\bSELECT\b|\bUPDATE\b|\bINSERT\b/);
  expect(text).not.toContain('QueryFailedError');
  expect(text).not.toContain('scrypt$');
  expect(text).not.toContain('password_hash');
}
