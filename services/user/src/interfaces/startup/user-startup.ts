import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SigningKeys } from '../../application/ports/signing-keys.port';
import {
  EnsureInitialAdminUseCase,
  InitialAdminOutcome,
} from '../../application/use-cases/ensure-initial-admin.use-case';

/**
 * At every start (the service, and seed.js, which boots the same module): a signing key exists,
 * and so does the initial admin (created if absent, left as is if present). Both are safe when
 * several instances start together. A failure stops the start: a user service that cannot sign
 * tokens is of no use.
 */
@Injectable()
export class UserStartup implements OnApplicationBootstrap {
  private readonly logger = new Logger('UserStartup');
  adminOutcome?: InitialAdminOutcome;

  constructor(
    private readonly signingKeys: SigningKeys,
    private readonly ensureAdmin: EnsureInitialAdminUseCase,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.signingKeys.ensure();
    this.adminOutcome = await this.ensureAdmin.execute();
    const messages: Record<InitialAdminOutcome, string> = {
      created: 'Initial admin created from ADMIN_EMAIL',
      present: 'Initial admin present, left as is',
      not_configured: 'ADMIN_EMAIL/ADMIN_PASSWORD not set: no initial admin',
    };
    this.logger.log(messages[this.adminOutcome]);
  }
}
