import { Injectable } from '@nestjs/common';
import { RotationResult, SigningKeys } from '../ports/signing-keys.port';

/**
 * A new key signs from now on; the one it replaces stays published, so tokens it signed keep
 * working until they expire. Run by `rotate-signing-key.js` (see docs/authentication.md).
 */
@Injectable()
export class RotateSigningKeyUseCase {
  constructor(private readonly keys: SigningKeys) {}

  execute(): Promise<RotationResult> {
    return this.keys.rotate();
  }
}
