import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { TokenState, TokenStateSource } from '@app/platform';
import { GetTokenStateUseCase } from '../../application/use-cases/get-token-state.use-case';
import { TypeormUserRepository } from '../repositories/typeorm-user.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The user service judges tokens on its own routes by its own database, uncached: a password,
 * email or role change or a deletion voids the older tokens here at once. Built inside the
 * platform module (which owns JwtVerifier), so it composes the use case itself.
 */
@Injectable()
export class DatabaseTokenStateSource extends TokenStateSource {
  private readonly tokenState: GetTokenStateUseCase;

  constructor(txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super();
    this.tokenState = new GetTokenStateUseCase(new TypeormUserRepository(txHost));
  }

  async stateFor(userId: string): Promise<TokenState> {
    // Only the user service signs tokens, always for a UUID; anything else names nobody.
    if (!UUID.test(userId)) return { tokenVersion: 0, deleted: true };
    return this.tokenState.execute(userId);
  }
}
