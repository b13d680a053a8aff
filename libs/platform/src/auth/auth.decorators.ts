import {
  SetMetadata,
  UseGuards,
  applyDecorators,
  createParamDecorator,
  ExecutionContext,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiSecurity,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ProblemDto } from '@app/contracts';
import { AuthenticatedUser, Role } from './authenticated-user';
import { JwtAuthGuard, ROLES_KEY, RequestWithUser } from './jwt-auth.guard';
import { ServiceCallersMetadata } from './service-callers';
import { ServiceAuthProblems } from './service-callers.openapi';
import { ServiceKeyGuard } from './service-key.guard';
import { ServiceName } from './service-name';

export const SERVICE_KEY_SECURITY = 'service-key';

/** A user's bearer token is required; with roles, one of them too. */
export function Auth(...roles: Role[]): MethodDecorator & ClassDecorator {
  const decorators = [
    SetMetadata(ROLES_KEY, roles),
    UseGuards(JwtAuthGuard),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ type: ProblemDto, description: 'No token, or an invalid one.' }),
  ];
  if (roles.length > 0) {
    decorators.push(
      ApiForbiddenResponse({
        type: ProblemDto,
        description: `Requires role: ${roles.join(' or ')}.`,
      }),
    );
  }
  return applyDecorators(...decorators);
}

/**
 * Service-to-service endpoint: an X-Service-Key is required (none or a wrong one: 401), and it
 * must be the key of one of the named callers (another service's valid key: 403). At least one
 * caller (the type says so; an empty list also fails at startup). On a class it covers every
 * handler; a handler's own @ServiceAuth(...) narrows it to a subset of the class's callers (a
 * caller the class does not name fails at startup). The callers are documented on each
 * operation (a description line and `x-service-callers`).
 */
export function ServiceAuth(
  ...callers: [ServiceName, ...ServiceName[]]
): MethodDecorator & ClassDecorator {
  return applyDecorators(
    UseGuards(ServiceKeyGuard),
    ApiSecurity(SERVICE_KEY_SECURITY),
    ServiceAuthProblems(callers),
    ServiceCallersMetadata(callers),
  );
}

/** The authenticated user of the request (set by @Auth()). */
export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthenticatedUser => {
    const user = context.switchToHttp().getRequest<RequestWithUser>().user;
    if (!user) throw new Error('CurrentUser used on a route without @Auth()');
    return user;
  },
);
