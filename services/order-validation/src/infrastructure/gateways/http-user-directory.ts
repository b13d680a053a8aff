import { Injectable } from '@nestjs/common';
import { UserClient } from '@app/clients';
import { UserDirectory } from '../../application/ports/user-directory.port';

/**
 * UserDirectory over the user service's internal `GET /internal/users/{id}` (X-Service-Key),
 * through the typed UserClient (which already turns answers other than 200/404 into a 503).
 */
@Injectable()
export class HttpUserDirectory extends UserDirectory {
  constructor(private readonly users: UserClient) {
    super();
  }

  async exists(userId: string): Promise<boolean> {
    return (await this.users.getInternalUser(userId)) !== null;
  }
}
