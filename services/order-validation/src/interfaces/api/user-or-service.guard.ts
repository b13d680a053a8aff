import {
  CanActivate,
  ExecutionContext,
  Injectable,
  UnauthorizedException,
  UseGuards,
  applyDecorators,
  createParamDecorator,
} from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity } from '@nestjs/swagger';
import {
  JwtAuthGuard,
  RequestWithCaller,
  RequestWithUser,
  SERVICE_KEY_HEADER,
  SERVICE_KEY_SECURITY,
  ServiceAuthProblems,
  ServiceCallersMetadata,
  ServiceKeyVerifier,
  ServiceName,
  assertCallerAllowed,
} from '@app/platform';
import { Requester } from '../../application/dtos/requester';

type RequestWithEither = RequestWithUser & RequestWithCaller;

/**
 * Either credential opens these endpoints: a user's bearer token (checked by the platform's
 * JwtAuthGuard), or the X-Service-Key of a service the route names. A request that carries
 * X-Service-Key is judged by the key alone: a wrong key is 401 even with a valid token beside
 * it, so a misconfigured service finds out instead of silently acting as a user; another
 * service's valid key is 403.
 */
@Injectable()
export class UserOrServiceGuard implements CanActivate {
  constructor(
    private readonly jwt: JwtAuthGuard,
    private readonly serviceKeys: ServiceKeyVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestWithEither>();
    const presented = request.headers[SERVICE_KEY_HEADER];
    if (presented === undefined) return this.jwt.canActivate(context);
    const caller = this.serviceKeys.callerFor(presented);
    if (!caller) {
      throw new UnauthorizedException('A valid service credential (X-Service-Key) is required.');
    }
    assertCallerAllowed(caller, context);
    request.serviceCaller = caller;
    return true;
  }
}

/**
 * A bearer token or the X-Service-Key of one of `callers` (at least one, as for the platform's
 * @ServiceAuth); Swagger lists both as alternatives.
 */
export function UserOrServiceAuth(
  ...callers: [ServiceName, ...ServiceName[]]
): MethodDecorator & ClassDecorator {
  return applyDecorators(
    UseGuards(UserOrServiceGuard),
    ApiBearerAuth(),
    ApiSecurity(SERVICE_KEY_SECURITY),
    ServiceAuthProblems(callers),
    ServiceCallersMetadata(callers),
  );
}

/** Who is asking, as the use cases see it (set by UserOrServiceGuard). */
export const CurrentRequester = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Requester => {
    const request = context.switchToHttp().getRequest<RequestWithEither>();
    if (request.serviceCaller) return { kind: 'service', caller: request.serviceCaller };
    if (request.user) {
      return { kind: 'user', userId: request.user.id, isAdmin: request.user.role === 'admin' };
    }
    throw new Error('CurrentRequester used on a route without UserOrServiceAuth()');
  },
);
