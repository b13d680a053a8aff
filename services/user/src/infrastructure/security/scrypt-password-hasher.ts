import { Injectable, OnModuleInit } from '@nestjs/common';
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { PasswordCheck, PasswordHasher } from '../../application/ports/password-hasher.port';
import { ScryptParameters, UserConfig } from '../config/user.config';
import { HashingGate } from './hashing-gate';

const SALT_BYTES = 16;
const KEY_BYTES = 32;
// Bounds for parameters read back from storage: a corrupted row must not ask for gigabytes.
const MAX_LOG_N = 24;
const MAX_R = 32;
const MAX_P = 16;

// `$scrypt$ln=17,r=8,p=1$<salt>$<hash>`, salt and hash unpadded base64 (the PHC string format).
const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

interface Decoded extends ScryptParameters {
  salt: Buffer;
  hash: Buffer;
}

function derive(password: string, salt: Buffer, params: ScryptParameters, length: number) {
  const N = 2 ** params.logN;
  return new Promise<Buffer>((resolve, reject) =>
    scrypt(
      // NFKC: the same passphrase typed on different keyboards/OSes gives the same bytes.
      password.normalize('NFKC'),
      salt,
      length,
      // scrypt needs 128 * N * r bytes; Node refuses anything above maxmem (32 MiB by default).
      { N, r: params.r, p: params.p, maxmem: 128 * N * params.r * 2 },
      (error, key) => (error ? reject(error) : resolve(key)),
    ),
  );
}

function encode(params: ScryptParameters, salt: Buffer, hash: Buffer): string {
  const b64 = (buffer: Buffer) => buffer.toString('base64').replace(/=+$/, '');
  return `$scrypt$ln=${params.logN},r=${params.r},p=${params.p}$${b64(salt)}$${b64(hash)}`;
}

function decode(encoded: string): Decoded | null {
  const match = PHC.exec(encoded);
  if (!match) return null;
  const [logN, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (logN < 1 || logN > MAX_LOG_N || r < 1 || r > MAX_R || p < 1 || p > MAX_P) return null;
  const salt = Buffer.from(match[4], 'base64');
  const hash = Buffer.from(match[5], 'base64');
  if (salt.length < 8 || hash.length < 16) return null;
  return { logN, r, p, salt, hash };
}

/**
 * scrypt from node:crypto (a memory-hard KDF; no native package to install), OWASP parameters
 * by default (N = 2^17, r = 8, p = 1). Each hash records its parameters, so raising
 * PASSWORD_SCRYPT_LOG_N leaves old hashes verifiable and `needsRehash` upgrades them at login.
 * Every run passes a HashingGate (PASSWORD_HASH_CONCURRENCY): past it, PasswordHashingBusy.
 */
@Injectable()
export class ScryptPasswordHasher extends PasswordHasher implements OnModuleInit {
  private readonly params: ScryptParameters;
  private readonly gate: HashingGate;
  private dummy?: Promise<string>;

  constructor(config: UserConfig) {
    super();
    this.params = config.scrypt;
    this.gate = new HashingGate(config.passwordHashing);
  }

  /** The dummy hash is made at start, so the first unknown-email login is not slower. */
  onModuleInit(): void {
    void this.dummyHash();
  }

  hash(plain: string): Promise<string> {
    return this.gate.run('hash', () => this.hashNow(plain));
  }

  async verify(plain: string, encoded: string): Promise<PasswordCheck> {
    const stored = decode(encoded);
    if (!stored) return { matches: false, needsRehash: false };
    const candidate = await this.gate.run('verify', () =>
      derive(plain, stored.salt, stored, stored.hash.length),
    );
    const matches = timingSafeEqual(candidate, stored.hash);
    const needsRehash =
      stored.logN < this.params.logN ||
      stored.r < this.params.r ||
      stored.p < this.params.p ||
      stored.hash.length < KEY_BYTES;
    return { matches, needsRehash: matches && needsRehash };
  }

  async verifyNothing(plain: string): Promise<void> {
    await this.verify(plain, await this.dummyHash());
  }

  /** Made once at start, outside the gate: it must never be refused (and then cached). */
  private dummyHash(): Promise<string> {
    this.dummy ??= this.hashNow(randomBytes(18).toString('base64'));
    return this.dummy;
  }

  private async hashNow(plain: string): Promise<string> {
    const salt = randomBytes(SALT_BYTES);
    return encode(this.params, salt, await derive(plain, salt, this.params, KEY_BYTES));
  }
}
