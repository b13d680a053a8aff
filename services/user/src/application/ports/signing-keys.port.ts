/** A public verification key as published in the JWKS (RFC 7517). */
export interface PublishedKey {
  kty: 'RSA';
  kid: string;
  alg: 'RS256';
  use: 'sig';
  n: string;
  e: string;
}

export interface RotationResult {
  /** the key that signs from now on */
  currentKid: string;
  /** the key that signed until now: still published, so its tokens stay valid until they expire */
  previousKid: string;
}

/**
 * Port for the token signing keys: which exist, which are published, and their rotation.
 * Published are the current key, the previous one (its tokens are still valid) and, where the
 * store supports it, the next one (so verifiers know it before it signs anything).
 */
export abstract class SigningKeys {
  /** Makes sure a current key exists (at start; safe when several instances start at once). */
  abstract ensure(): Promise<void>;
  abstract published(): Promise<PublishedKey[]>;
  abstract rotate(): Promise<RotationResult>;
}
