import fc from 'fast-check';
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describeEnvSchema, enumCase, intCase, stringCase } from '@app/testing';
import { UserEnvSchema, loadUserConfig } from './user.config';

const rsa = () =>
  generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
const current = rsa();
const previous = rsa();
const ec = generateKeyPairSync('ec', {
  namedCurve: 'P-256',
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
/** `\n` written as two characters, as on one line of a .env file */
const oneLine = (pem: string) => pem.replace(/\n/g, '\\n');
const unescaped = (raw: string) => raw.replace(/\\n/g, '\n');
const notPem = fc.stringMatching(/^[A-Za-z0-9+/=\- ]{0,40}$/).map((s) => `zq9X${s}`);

describeEnvSchema('user', {
  schema: UserEnvSchema,
  load: loadUserConfig,
  // an admin (the two go together) and a key (JWT_PREVIOUS_PUBLIC_KEY needs one)
  base: {
    ADMIN_EMAIL: 'admin@example.com',
    ADMIN_PASSWORD: 'a-real-admin-password',
    JWT_PRIVATE_KEY: current.privateKey,
  },
  variables: {
    NODE_ENV: enumCase(['development', 'test', 'production']),
    ACCESS_TOKEN_TTL_SECONDS: intCase(1, 86_400),
    JWT_PRIVATE_KEY: {
      valid: fc.constantFrom(current.privateKey, oneLine(current.privateKey)),
      invalid: fc.oneof(notPem, fc.constant(ec.privateKey)),
      read: (raw) => createPrivateKey(unescaped(raw)),
      secret: true,
    },
    JWT_PREVIOUS_PUBLIC_KEY: {
      valid: fc.constantFrom(previous.publicKey, oneLine(previous.publicKey)),
      invalid: fc.oneof(notPem, fc.constant(ec.publicKey)),
      read: (raw) => createPublicKey(unescaped(raw)),
    },
    ADMIN_EMAIL: {
      valid: fc.stringMatching(/^[a-z0-9]{1,20}@[a-z]{1,10}\.(io|com|org)$/),
      invalid: fc.stringMatching(/^[a-z0-9.]{1,20}$/),
    },
    ADMIN_PASSWORD: stringCase(8, 128, true),
    ADMIN_NAME: stringCase(1, 200),
    LOGIN_MAX_FAILURES_PER_EMAIL: intCase(1, 1000),
    LOGIN_FAILURE_WINDOW_SECONDS: intCase(1, 86_400),
    AUTH_RATE_LIMIT_PER_MINUTE: intCase(1),
    AUTH_RATE_LIMIT_PER_ACCOUNT_PER_MINUTE: intCase(1),
    PASSWORD_SCRYPT_LOG_N: intCase(10, 20),
    PASSWORD_HASH_CONCURRENCY: intCase(1, 1024),
    PASSWORD_HASH_QUEUE: intCase(0, 1000),
    PASSWORD_HASH_MAX_WAIT_MS: intCase(0, 10_000),
    // libuv's variable: read for a default, never refused
    UV_THREADPOOL_SIZE: { valid: fc.string({ minLength: 1, maxLength: 4 }), invalid: null },
  },
});

describe('user configuration: every problem at once', () => {
  it('names the cross-variable rules beside a malformed variable', () => {
    expect(() =>
      loadUserConfig({
        NODE_ENV: 'production',
        ADMIN_PASSWORD: 'change-me-admin-password',
        PASSWORD_SCRYPT_LOG_N: '14',
        ACCESS_TOKEN_TTL_SECONDS: 'soon',
        JWT_PREVIOUS_PUBLIC_KEY: previous.publicKey,
      }),
    ).toThrow(
      [
        'Invalid configuration:',
        '  - ACCESS_TOKEN_TTL_SECONDS must be a number',
        '  - ADMIN_EMAIL and ADMIN_PASSWORD must be set together (or both left unset)',
        '  - ADMIN_PASSWORD is the example value from .env.example: choose a real one',
        '  - PASSWORD_SCRYPT_LOG_N must be at least 17 in production (OWASP)',
        '  - JWT_PREVIOUS_PUBLIC_KEY needs JWT_PRIVATE_KEY',
      ].join('\n'),
    );
  });
});
