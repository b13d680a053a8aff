import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { ThrottlerException, ThrottlerStorage, normalizeIp } from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { UserConfig } from '../../infrastructure/config/user.config';

const WINDOW_MS = 60_000;
const THROTTLER_NAME = 'user-auth';

/**
 * The stricter per-IP limit of login and registration (AUTH_RATE_LIMIT_PER_MINUTE, default
 * 120), one budget shared by both endpoints. It counts in the platform throttler's storage
 * next to the global per-IP limit, which still applies; a refusal is the platform's 429
 * problem+json with Retry-After.
 */
@Injectable()
export class AuthRateLimitGuard implements CanActivate {
  constructor(
    @Inject(ThrottlerStorage) private readonly storage: ThrottlerStorage,
    private readonly config: UserConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const limit = this.config.authRateLimitPerMinute;
    const record = await this.storage.increment(
      `${THROTTLER_NAME}:${normalizeIp(request.ip)}`,
      WINDOW_MS,
      limit,
      WINDOW_MS,
      THROTTLER_NAME,
    );
    if (record.isBlocked) {
      void http.getResponse<FastifyReply>().header('retry-after', String(record.timeToBlockExpire));
      throw new ThrottlerException(
        'Too many login or registration requests from this address. Try again later.',
      );
    }
    return true;
  }
}
