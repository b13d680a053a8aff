import { Injectable } from '@nestjs/common';
import { PublishedKey, SigningKeys } from '../ports/signing-keys.port';

/** The JWKS: the public keys every service verifies access tokens with. */
@Injectable()
export class GetPublishedKeysUseCase {
  constructor(private readonly keys: SigningKeys) {}

  execute(): Promise<PublishedKey[]> {
    return this.keys.published();
  }
}
