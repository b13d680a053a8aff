import { isEmail } from 'class-validator';
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { EVEN_AFTER_OTHER_ERRORS, configToken, envInt, parseEnv } from '@app/platform';
import { ConfiguredKeys, rsaPrivateKey, rsaPublicKey } from './configured-keys';

export type { ConfiguredKeys } from './configured-keys';

/** OWASP's scrypt parameters: N = 2^17 (128 MiB), r = 8, p = 1. */
export const OWASP_SCRYPT_LOG_N = 17;
/** The value .env.example ships with: fine on a laptop, refused in production. */
const EXAMPLE_ADMIN_PASSWORD = 'change-me-admin-password';
/** libuv's default threadpool size, where crypto.scrypt runs. */
const LIBUV_DEFAULT_THREADS = 4;

/** Counted in code points, as the login form counts a password. */
const codePoints = (min: number, max: number) =>
  z.string().refine((text) => {
    const length = [...text].length;
    return length >= min && length <= max;
  }, `must be ${min} to ${max} characters long`);

/** The user service's own variables (on top of the platform's). */
export const UserEnvSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    ACCESS_TOKEN_TTL_SECONDS: envInt(1, 86_400).default(900),
    /** unset: keys are generated and kept in user_db */
    JWT_PRIVATE_KEY: rsaPrivateKey.optional(),
    /** the public key of the key JWT_PRIVATE_KEY replaced */
    JWT_PREVIOUS_PUBLIC_KEY: rsaPublicKey.optional(),
    /** the rule the login form applies, so the admin can log in with it */
    ADMIN_EMAIL: z
      .string()
      .refine((email) => isEmail(email), 'must be an email address')
      .optional(),
    ADMIN_PASSWORD: codePoints(8, 128).optional(),
    ADMIN_NAME: z.string().min(1).max(200).default('Administrator'),
    LOGIN_MAX_FAILURES_PER_EMAIL: envInt(1, 1000).default(5),
    LOGIN_FAILURE_WINDOW_SECONDS: envInt(1, 86_400).default(900),
    /** requests that hash a password (login, registration, updates with one) per IP per minute */
    AUTH_RATE_LIMIT_PER_MINUTE: envInt(1).default(120),
    /** hashing requests per target account (email, or user id) per minute; unset: as per IP */
    AUTH_RATE_LIMIT_PER_ACCOUNT_PER_MINUTE: envInt(1).optional(),
    PASSWORD_SCRYPT_LOG_N: envInt(10, 20).default(OWASP_SCRYPT_LOG_N),
    /** KDF runs at once; unset: the threadpool size (UV_THREADPOOL_SIZE, 4), at most the cores (min 2) */
    PASSWORD_HASH_CONCURRENCY: envInt(1, 1024).optional(),
    PASSWORD_HASH_QUEUE: envInt(0, 1000).default(8),
    PASSWORD_HASH_MAX_WAIT_MS: envInt(0, 10_000).default(1000),
    /** libuv's own variable, only read for the default above (not validated: libuv ignores junk) */
    UV_THREADPOOL_SIZE: z.string().optional(),
  })
  .superRefine((env, ctx) => {
    const problem = (path: string[], message: string) =>
      ctx.addIssue({ code: 'custom', path, message });
    const production = env.NODE_ENV === 'production';
    if (!!env.ADMIN_EMAIL !== !!env.ADMIN_PASSWORD) {
      problem([], 'ADMIN_EMAIL and ADMIN_PASSWORD must be set together (or both left unset)');
    }
    if (production && env.ADMIN_PASSWORD === EXAMPLE_ADMIN_PASSWORD) {
      problem(['ADMIN_PASSWORD'], 'is the example value from .env.example: choose a real one');
    }
    if (production && env.PASSWORD_SCRYPT_LOG_N < OWASP_SCRYPT_LOG_N) {
      problem(
        ['PASSWORD_SCRYPT_LOG_N'],
        `must be at least ${OWASP_SCRYPT_LOG_N} in production (OWASP)`,
      );
    }
    if (env.JWT_PREVIOUS_PUBLIC_KEY !== undefined && env.JWT_PRIVATE_KEY === undefined) {
      problem(['JWT_PREVIOUS_PUBLIC_KEY'], 'needs JWT_PRIVATE_KEY');
    }
  }, EVEN_AFTER_OTHER_ERRORS);

export interface PasswordHashingLimits {
  /** KDF runs at once */
  concurrency: number;
  /** of those, slots new hashes may not take: kept for password checks (logins) */
  reservedForVerify: number;
  /** requests of each kind (check, new hash) that may wait for a slot */
  queue: number;
  maxWaitMs: number;
}

export interface ScryptParameters {
  logN: number;
  r: number;
  p: number;
}

export const UserConfigSchema = UserEnvSchema.transform((env) => {
  const concurrency =
    env.PASSWORD_HASH_CONCURRENCY ?? defaultHashConcurrency(env.UV_THREADPOOL_SIZE);
  const configuredKeys: ConfiguredKeys | null = env.JWT_PRIVATE_KEY
    ? { privateKey: env.JWT_PRIVATE_KEY, previousPublicKey: env.JWT_PREVIOUS_PUBLIC_KEY ?? null }
    : null;
  const scrypt: ScryptParameters = { logN: env.PASSWORD_SCRYPT_LOG_N, r: 8, p: 1 };
  // one slot is kept for logins whenever there is more than one
  const passwordHashing: PasswordHashingLimits = {
    concurrency,
    reservedForVerify: concurrency > 1 ? 1 : 0,
    queue: env.PASSWORD_HASH_QUEUE,
    maxWaitMs: env.PASSWORD_HASH_MAX_WAIT_MS,
  };
  return {
    accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
    /** keys from the environment, or null: generated and kept in user_db */
    configuredKeys,
    initialAdmin:
      env.ADMIN_EMAIL && env.ADMIN_PASSWORD
        ? { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD, name: env.ADMIN_NAME }
        : null,
    loginThrottle: {
      maxFailures: env.LOGIN_MAX_FAILURES_PER_EMAIL,
      windowSeconds: env.LOGIN_FAILURE_WINDOW_SECONDS,
    },
    authRateLimitPerMinute: env.AUTH_RATE_LIMIT_PER_MINUTE,
    scrypt,
    authRateLimitPerAccountPerMinute:
      env.AUTH_RATE_LIMIT_PER_ACCOUNT_PER_MINUTE ?? env.AUTH_RATE_LIMIT_PER_MINUTE,
    passwordHashing,
  };
});

/** The validated, typed configuration the user service injects (also its UserSettings). */
export type UserConfig = z.output<typeof UserConfigSchema>;
export const UserConfig = configToken<UserConfig>('UserConfig');

export function loadUserConfig(env: Record<string, string | undefined>): UserConfig {
  return parseEnv(UserConfigSchema, env);
}

/**
 * scrypt runs on libuv's threadpool and is CPU-bound: more runs than cores only share the
 * cores, so each (a login's too) takes longer. At least 2, so that one is kept for logins.
 */
function defaultHashConcurrency(rawThreads: string | undefined): number {
  const threads = Number(rawThreads);
  const pool = Number.isInteger(threads) && threads >= 1 ? threads : LIBUV_DEFAULT_THREADS;
  return Math.max(2, Math.min(pool, availableParallelism()));
}
