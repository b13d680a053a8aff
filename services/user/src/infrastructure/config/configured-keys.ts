import { KeyObject, createPrivateKey, createPublicKey } from 'node:crypto';
import { z } from 'zod';

export interface ConfiguredKeys {
  privateKey: KeyObject;
  previousPublicKey: KeyObject | null;
}

/** `\n` escapes are accepted so a PEM fits on one line of a .env file. */
function pem(value: string): string {
  return value.replace(/\\n/g, '\n');
}

/** The key itself stays out of the issue: a message must never carry a secret. */
function refuse(ctx: z.RefinementCtx, message: string): never {
  ctx.issues.push({ code: 'custom', message, input: undefined });
  return z.NEVER;
}

/** JWT_PRIVATE_KEY: PEM (PKCS#8 or PKCS#1) RSA private key of at least 2048 bits. */
export const rsaPrivateKey = z.string().transform((text, ctx): KeyObject => {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem(text));
  } catch {
    return refuse(ctx, 'must be a PEM-encoded RSA private key');
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (key.asymmetricKeyType !== 'rsa' || bits < 2048) {
    return refuse(ctx, 'must be an RSA key of at least 2048 bits');
  }
  return key;
});

/** JWT_PREVIOUS_PUBLIC_KEY: PEM public (or private) RSA key; published, not used to sign. */
export const rsaPublicKey = z.string().transform((text, ctx): KeyObject => {
  let key: KeyObject;
  try {
    key = createPublicKey(pem(text));
  } catch {
    return refuse(ctx, 'must be a PEM-encoded RSA public key');
  }
  if (key.asymmetricKeyType !== 'rsa') {
    return refuse(ctx, 'must be an RSA key');
  }
  return key;
});
