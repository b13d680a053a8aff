import { Injectable } from '@nestjs/common';
import { UserRepository } from '../../domain/repositories/user.repository';

export interface UserTokenState {
  tokenVersion: number;
  /** no such user any more (or never): every token naming it is void */
  deleted: boolean;
}

/**
 * For other services' token verifiers (behind the service credential): the version a user's
 * tokens must carry to be valid. Deleted users keep no row, so "no row" is "deleted".
 */
@Injectable()
export class GetTokenStateUseCase {
  constructor(private readonly users: UserRepository) {}

  async execute(id: string): Promise<UserTokenState> {
    const version = await this.users.tokenVersionOf(id);
    return version === null
      ? { tokenVersion: 0, deleted: true }
      : { tokenVersion: version, deleted: false };
  }
}
