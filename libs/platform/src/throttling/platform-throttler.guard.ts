import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModuleOptions, ThrottlerStorage } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import { SERVICE_KEY_HEADER, ServiceKeyVerifier } from '../auth/service-key.verifier';

/**
 * The per-IP limit for public traffic. Calls carrying a valid service credential are exempt:
 * every service sits behind the same few IPs when they call each other.
 */
@Injectable()
export class PlatformThrottlerGuard extends ThrottlerGuard {
  constructor(
    options: ThrottlerModuleOptions,
    storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly serviceKeys: ServiceKeyVerifier,
  ) {
    super(options, storage, reflector);
  }

  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    return this.serviceKeys.callerFor(request.headers[SERVICE_KEY_HEADER]) !== undefined;
  }
}
