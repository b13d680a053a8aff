import { KeyObject, createPublicKey } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import { PublishedKey, SigningKeys } from '../../application/ports/signing-keys.port';

export interface ActiveSigningKey {
  kid: string;
  privateKey: KeyObject;
}

/** SigningKeys plus what only infrastructure may touch: the private key that signs now. */
export abstract class SigningKeyStore extends SigningKeys {
  abstract signingKey(): Promise<ActiveSigningKey>;
}

/** The public JWK of an RSA key (public or private), its kid being the RFC 7638 thumbprint. */
export async function publicJwkOf(key: KeyObject): Promise<PublishedKey> {
  const publicKey = key.type === 'public' ? key : createPublicKey(key);
  const { n, e } = publicKey.export({ format: 'jwk' });
  if (!n || !e) throw new Error('Not an RSA key');
  const kid = await calculateJwkThumbprint({ kty: 'RSA', n, e }, 'sha256');
  return { kty: 'RSA', kid, alg: 'RS256', use: 'sig', n, e };
}
