import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { SERVICE_KEY_HEADER, ServiceKeyVerifier } from './service-key.verifier';

export type RequestWithCaller = FastifyRequest & { serviceCaller?: string };

/** Service-to-service endpoints: only a configured calling service's key opens them. */
@Injectable()
export class ServiceKeyGuard implements CanActivate {
  constructor(private readonly verifier: ServiceKeyVerifier) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<RequestWithCaller>();
    const caller = this.verifier.callerFor(request.headers[SERVICE_KEY_HEADER]);
    if (!caller)
      throw new UnauthorizedException('A valid service credential (X-Service-Key) is required.');
    request.serviceCaller = caller;
    return true;
  }
}
