import { Injectable } from '@nestjs/common';
import { UserClient } from '@app/clients';
import { UserDirectory } from '../../application/ports/user-directory.port';

/**
 * UserDirectory over the user service, through the typed UserClient (X-Service-Key; the route is
 * the client's) (which already turns answers other than 200/404 into a 503).
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
