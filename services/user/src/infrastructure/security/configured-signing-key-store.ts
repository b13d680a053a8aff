import { Injectable } from '@nestjs/common';
import { PublishedKey, RotationResult } from '../../application/ports/signing-keys.port';
import { UserConfig } from '../config/user.config';
import { ActiveSigningKey, SigningKeyStore, publicJwkOf } from './signing-key-store';

/** Rotation is an operator's job when keys come from configuration. */
export class KeysFromConfiguration extends Error {
  constructor() {
    super(
      'Signing keys come from JWT_PRIVATE_KEY: rotate by moving its public key to ' +
        'JWT_PREVIOUS_PUBLIC_KEY and setting a new JWT_PRIVATE_KEY.',
    );
    this.name = 'KeysFromConfiguration';
  }
}

/**
 * Keys from JWT_PRIVATE_KEY (signs) and JWT_PREVIOUS_PUBLIC_KEY (published only), e.g. from a
 * secret manager. Nothing is written to user_db.
 */
@Injectable()
export class ConfiguredSigningKeyStore extends SigningKeyStore {
  private readonly loaded: Promise<{ current: ActiveSigningKey; published: PublishedKey[] }>;

  constructor(config: UserConfig) {
    super();
    const keys = config.configuredKeys;
    if (!keys) throw new Error('ConfiguredSigningKeyStore needs JWT_PRIVATE_KEY');
    this.loaded = (async () => {
      const current = await publicJwkOf(keys.privateKey);
      const previous = keys.previousPublicKey ? await publicJwkOf(keys.previousPublicKey) : null;
      return {
        current: { kid: current.kid, privateKey: keys.privateKey },
        published: previous && previous.kid !== current.kid ? [current, previous] : [current],
      };
    })();
  }

  async ensure(): Promise<void> {
    await this.loaded;
  }

  async published(): Promise<PublishedKey[]> {
    return (await this.loaded).published;
  }

  async signingKey(): Promise<ActiveSigningKey> {
    return (await this.loaded).current;
  }

  rotate(): Promise<RotationResult> {
    return Promise.reject(new KeysFromConfiguration());
  }
}
