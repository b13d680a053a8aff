import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { allowedCallers } from './service-callers';
import { SERVICE_KEY_HEADER, ServiceKeyVerifier } from './service-key.verifier';

export type RequestWithCaller = FastifyRequest & { serviceCaller?: string };

/**
 * Service-to-service endpoints: the key must identify a configured calling service (else 401),
 * and that service must be one the route names with @ServiceAuth(...) (else 403).
 */
@Injectable()
export class ServiceKeyGuard implements CanActivate {
  constructor(private readonly verifier: ServiceKeyVerifier) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<RequestWithCaller>();
    const caller = this.verifier.callerFor(request.headers[SERVICE_KEY_HEADER]);
    if (!caller)
      throw new UnauthorizedException('A valid service credential (X-Service-Key) is required.');
    assertCallerAllowed(caller, context);
    request.serviceCaller = caller;
    return true;
  }
}

/**
 * 403 unless the identified caller is among the route's allowed callers. A route without a
 * list (a guard used without @ServiceAuth) admits nobody rather than everybody.
 */
export function assertCallerAllowed(caller: string, context: ExecutionContext): void {
  const allowed = allowedCallers(context.getHandler(), context.getClass());
  if (!allowed?.some((name) => name === caller)) {
    throw new ForbiddenException('This service credential is not allowed to call this endpoint.');
  }
}
