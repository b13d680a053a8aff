import { UserConfig } from '../config/user.config';
import { ScryptPasswordHasher } from './scrypt-password-hasher';

const hasherWith = (logN: number) =>
  new ScryptPasswordHasher({
    scrypt: { logN, r: 8, p: 1 },
    passwordHashing: { concurrency: 4, reservedForVerify: 1, queue: 8, maxWaitMs: 1000 },
  } as UserConfig);

describe('ScryptPasswordHasher', () => {
  it('uses the OWASP parameters by default and records them with the hash', async () => {
    const hasher = hasherWith(17);
    const hash = await hasher.hash('correct horse battery staple');
    expect(hash).toMatch(/^\$scrypt\$ln=17,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await hasher.verify('correct horse battery staple', hash)).toEqual({
      matches: true,
      needsRehash: false,
    });
  });

  it('salts: the same password hashes differently each time', async () => {
    const hasher = hasherWith(10);
    expect(await hasher.hash('same password')).not.toBe(await hasher.hash('same password'));
  });

  it('refuses a wrong password, a malformed hash and absurd stored parameters', async () => {
    const hasher = hasherWith(10);
    const hash = await hasher.hash('right password');
    expect((await hasher.verify('wrong password', hash)).matches).toBe(false);
    expect((await hasher.verify('right password', 'plain text')).matches).toBe(false);
    const absurd = hash.replace('ln=10', 'ln=40');
    expect((await hasher.verify('right password', absurd)).matches).toBe(false);
  });

  it('verifies hashes made with other parameters and asks for a rehash only when they were weaker', async () => {
    const weak = await hasherWith(10).hash('upgrade me');
    const strong = await hasherWith(12).hash('upgrade me');
    const current = hasherWith(11);
    expect(await current.verify('upgrade me', weak)).toEqual({ matches: true, needsRehash: true });
    expect(await current.verify('upgrade me', strong)).toEqual({
      matches: true,
      needsRehash: false,
    });
    expect(await current.verify('not me', weak)).toEqual({ matches: false, needsRehash: false });
  });

  it('treats canonically equivalent passwords alike (NFKC)', async () => {
    const hasher = hasherWith(10);
    const composed = 'caf\u00e9 au lait';
    const decomposed = 'cafe\u0301 au lait';
    expect((await hasher.verify(decomposed, await hasher.hash(composed))).matches).toBe(true);
  });

  it('spends a verification on nothing without failing', async () => {
    await expect(hasherWith(10).verifyNothing('anything')).resolves.toBeUndefined();
  });
});
