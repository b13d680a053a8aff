import { Type } from 'class-transformer';
import { IsEmail, IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { KeyObject, createPrivateKey, createPublicKey } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { ConfigError, validateEnv } from '@app/platform';
import { InitialAdmin, UserSettings } from '../../application/user-settings';
import { LoginThrottlePolicy } from '../../application/ports/login-attempts.port';

/** OWASP's scrypt parameters: N = 2^17 (128 MiB), r = 8, p = 1. */
export const OWASP_SCRYPT_LOG_N = 17;
/** The value .env.example ships with: fine on a laptop, refused in production. */
const EXAMPLE_ADMIN_PASSWORD = 'change-me-admin-password';

/**
 * The user service's own variables (on top of PlatformEnv). Names are the variables, so a
 * validation message names exactly what to fix.
 */
export class UserEnv {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV = 'development';

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(86_400)
  ACCESS_TOKEN_TTL_SECONDS = 900;

  /** PEM (PKCS#8 or PKCS#1) RSA private key; unset: keys are generated and kept in user_db */
  @IsOptional()
  @IsString()
  JWT_PRIVATE_KEY?: string;

  /** PEM public (or private) key of the key JWT_PRIVATE_KEY replaced; published, not used to sign */
  @IsOptional()
  @IsString()
  JWT_PREVIOUS_PUBLIC_KEY?: string;

  @IsOptional()
  @IsEmail({}, { message: 'ADMIN_EMAIL must be an email address' })
  ADMIN_EMAIL?: string;

  @IsOptional()
  @IsString()
  @Length(8, 128, { message: 'ADMIN_PASSWORD must be 8 to 128 characters long' })
  ADMIN_PASSWORD?: string;

  @IsOptional()
  @IsString()
  @Length(1, 200)
  ADMIN_NAME = 'Administrator';

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  LOGIN_MAX_FAILURES_PER_EMAIL = 5;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(86_400)
  LOGIN_FAILURE_WINDOW_SECONDS = 900;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  AUTH_RATE_LIMIT_PER_MINUTE = 120;

  /** hashing requests per target account (email, or user id) per minute; unset: as per IP */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  AUTH_RATE_LIMIT_PER_ACCOUNT_PER_MINUTE?: number;

  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(20)
  PASSWORD_SCRYPT_LOG_N = OWASP_SCRYPT_LOG_N;

  /** KDF runs at once; unset: the threadpool size (UV_THREADPOOL_SIZE, 4), at most the cores (min 2) */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1024)
  PASSWORD_HASH_CONCURRENCY?: number;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1000)
  PASSWORD_HASH_QUEUE = 8;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(10_000)
  PASSWORD_HASH_MAX_WAIT_MS = 1000;
}

/** libuv's default threadpool size, where crypto.scrypt runs. */
const LIBUV_DEFAULT_THREADS = 4;

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

export interface ConfiguredKeys {
  privateKey: KeyObject;
  previousPublicKey: KeyObject | null;
}

/** The validated, typed view of UserEnv that the user service injects. */
export class UserConfig implements UserSettings {
  constructor(
    readonly accessTokenTtlSeconds: number,
    /** keys from the environment, or null: generated and kept in user_db */
    readonly configuredKeys: ConfiguredKeys | null,
    readonly initialAdmin: InitialAdmin | null,
    readonly loginThrottle: LoginThrottlePolicy,
    /** requests that hash a password (login, registration, updates with one) per IP per minute */
    readonly authRateLimitPerMinute: number,
    readonly scrypt: ScryptParameters,
    /** requests that hash a password, per target account per minute */
    readonly authRateLimitPerAccountPerMinute: number,
    readonly passwordHashing: PasswordHashingLimits,
  ) {}
}

export function loadUserConfig(rawEnv: Record<string, string | undefined>): UserConfig {
  const env = validateEnv(UserEnv, rawEnv);
  const problems: string[] = [];
  const production = env.NODE_ENV === 'production';

  if (!!env.ADMIN_EMAIL !== !!env.ADMIN_PASSWORD) {
    problems.push('ADMIN_EMAIL and ADMIN_PASSWORD must be set together (or both left unset)');
  }
  if (production && env.ADMIN_PASSWORD === EXAMPLE_ADMIN_PASSWORD) {
    problems.push('ADMIN_PASSWORD is the example value from .env.example: choose a real one');
  }
  if (production && env.PASSWORD_SCRYPT_LOG_N < OWASP_SCRYPT_LOG_N) {
    problems.push(
      `PASSWORD_SCRYPT_LOG_N must be at least ${OWASP_SCRYPT_LOG_N} in production (OWASP)`,
    );
  }
  const configuredKeys = parseKeys(env, problems);
  if (problems.length > 0) throw new ConfigError(problems);

  return new UserConfig(
    env.ACCESS_TOKEN_TTL_SECONDS,
    configuredKeys,
    env.ADMIN_EMAIL && env.ADMIN_PASSWORD
      ? { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD, name: env.ADMIN_NAME }
      : null,
    {
      maxFailures: env.LOGIN_MAX_FAILURES_PER_EMAIL,
      windowSeconds: env.LOGIN_FAILURE_WINDOW_SECONDS,
    },
    env.AUTH_RATE_LIMIT_PER_MINUTE,
    { logN: env.PASSWORD_SCRYPT_LOG_N, r: 8, p: 1 },
    env.AUTH_RATE_LIMIT_PER_ACCOUNT_PER_MINUTE ?? env.AUTH_RATE_LIMIT_PER_MINUTE,
    hashingLimits(
      env.PASSWORD_HASH_CONCURRENCY ?? defaultHashConcurrency(rawEnv.UV_THREADPOOL_SIZE),
      env.PASSWORD_HASH_QUEUE,
      env.PASSWORD_HASH_MAX_WAIT_MS,
    ),
  );
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

/** One slot is kept for logins whenever there is more than one. */
function hashingLimits(
  concurrency: number,
  queue: number,
  maxWaitMs: number,
): PasswordHashingLimits {
  return { concurrency, reservedForVerify: concurrency > 1 ? 1 : 0, queue, maxWaitMs };
}

/** `\n` escapes are accepted so a PEM fits on one line of a .env file. */
function pem(value: string): string {
  return value.replace(/\\n/g, '\n');
}

function parseKeys(env: UserEnv, problems: string[]): ConfiguredKeys | null {
  if (!env.JWT_PRIVATE_KEY) {
    if (env.JWT_PREVIOUS_PUBLIC_KEY) {
      problems.push('JWT_PREVIOUS_PUBLIC_KEY needs JWT_PRIVATE_KEY');
    }
    return null;
  }
  let privateKey: KeyObject | undefined;
  try {
    privateKey = createPrivateKey(pem(env.JWT_PRIVATE_KEY));
  } catch {
    problems.push('JWT_PRIVATE_KEY must be a PEM-encoded RSA private key');
    return null;
  }
  const bits = privateKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (privateKey.asymmetricKeyType !== 'rsa' || bits < 2048) {
    problems.push('JWT_PRIVATE_KEY must be an RSA key of at least 2048 bits');
    return null;
  }
  let previousPublicKey: KeyObject | null = null;
  if (env.JWT_PREVIOUS_PUBLIC_KEY) {
    try {
      previousPublicKey = createPublicKey(pem(env.JWT_PREVIOUS_PUBLIC_KEY));
    } catch {
      problems.push('JWT_PREVIOUS_PUBLIC_KEY must be a PEM-encoded RSA public key');
      return null;
    }
    if (previousPublicKey.asymmetricKeyType !== 'rsa') {
      problems.push('JWT_PREVIOUS_PUBLIC_KEY must be an RSA key');
      return null;
    }
  }
  return { privateKey, previousPublicKey };
}
