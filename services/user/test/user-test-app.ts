import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { createServer } from 'node:net';
import request from 'supertest';
import { configFromModule, configureApp, createFastifyAdapter } from '@app/platform';
import { TestDatabase, createTestDatabase, testEnv } from '@app/testing';
import { UserModule } from '../src/user.module';

export const ISSUER = 'http://user.test';
export const AUDIENCE = 'nest-commerce';
export const ADMIN = { email: 'admin@example.com', password: 'initial-admin-password' };
export const SERVICE_KEY = 'order-validation-test-key';

/** A port nobody listens on right now (the OS picks it; closed again before we use it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * As startTestService from @app/testing, but listening on a given port: the user service
 * verifies tokens through the platform's JwtVerifier, which fetches the JWKS from JWT_JWKS_URL,
 * i.e. from this very service, so the URL (and with it the port) must be known before start.
 */
export async function startListening(
  module: ReturnType<typeof UserModule.forRoot>,
  port: number,
): Promise<NestFastifyApplication> {
  const config = configFromModule(module);
  const moduleRef = await Test.createTestingModule({ imports: [module] }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(
    createFastifyAdapter(config),
    { bufferLogs: true },
  );
  await configureApp(app);
  await app.listen(port, '127.0.0.1');
  return app;
}

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
    serviceKeys: { 'order-validation': SERVICE_KEY },
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
  const app = await startListening(UserModule.forRoot(env), port);
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
