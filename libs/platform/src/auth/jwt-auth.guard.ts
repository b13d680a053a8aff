import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AuthenticatedUser, Role } from './authenticated-user';
import { JwtVerifier } from './jwt-verifier';

export const ROLES_KEY = 'platform:roles';

export type RequestWithUser = FastifyRequest & { user?: AuthenticatedUser };

/** Bearer token → request.user; then the roles named by @Auth(...) if any. */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly verifier: JwtVerifier,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestWithUser>();
    const header = request.headers.authorization;
    const match =
      typeof header === 'string' ? /^Bearer ([\w-]+\.[\w-]*\.[\w-]*)$/i.exec(header) : null;
    if (!match) throw new UnauthorizedException('A bearer access token is required.');

    request.user = await this.verifier.verify(match[1]);

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (roles?.length && !roles.includes(request.user.role)) {
      throw new ForbiddenException('Your role does not allow this action.');
    }
    return true;
  }
}
