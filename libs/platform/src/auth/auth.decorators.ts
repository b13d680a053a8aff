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
import { ServiceKeyGuard } from './service-key.guard';

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

/** Service-to-service endpoint: a calling service's X-Service-Key is required. */
export function ServiceAuth(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    UseGuards(ServiceKeyGuard),
    ApiSecurity(SERVICE_KEY_SECURITY),
    ApiUnauthorizedResponse({ type: ProblemDto, description: 'No or wrong service credential.' }),
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
