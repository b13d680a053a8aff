import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  ThrottlerException,
  ThrottlerGuard,
  ThrottlerModuleOptions,
  ThrottlerRequest,
  ThrottlerStorage,
} from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isIP } from 'node:net';
import {
  EDGE_KEY_HEADER,
  SERVICE_KEY_HEADER,
  ServiceKeyVerifier,
} from '../auth/service-key.verifier';
import { PlatformConfig } from '../config/platform.config';
import { reportRateLimit } from './rate-limit-headers';
import { StaticMetadataReflector } from './static-metadata-reflector';

export const RATE_LIMITED_DETAIL =
  'Too many requests from this address. Retry after the time in Retry-After.';

/**
 * The per-IP limit for public traffic: one budget per client IP for the whole service
 * (SPEC: RATE_LIMIT_PER_MINUTE per IP per minute on each service), whatever the route. Calls
 * carrying a valid service credential are exempt: every service sits behind the same few IPs
 * when they call each other.
 *
 * Behind the edge gateway every request comes from the gateway's address: the gateway sends the
 * client's socket IP in X-Forwarded-For along with its own key in X-Edge-Key, and only then is
 * that IP the tracker. Without the key, X-Forwarded-For is the client's word and is ignored.
 */
@Injectable()
export class PlatformThrottlerGuard extends ThrottlerGuard {
  constructor(
    options: ThrottlerModuleOptions,
    storage: ThrottlerStorage,
    // Nest's (stateless); the guard reads route settings through its own, remembering one
    _reflector: Reflector,
    private readonly serviceKeys: ServiceKeyVerifier,
    private readonly config: PlatformConfig,
  ) {
    // the route settings (@SkipThrottle) are looked up once per route, not per request
    super(options, storage, new StaticMetadataReflector());
  }

  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    return this.serviceKeys.callerFor(request.headers[SERVICE_KEY_HEADER]) !== undefined;
  }

  /** The client's IP: the gateway's X-Forwarded-For when its key vouches for it, else the socket's. */
  protected override async getTracker(request: Record<string, unknown>): Promise<string> {
    const req = request as unknown as FastifyRequest;
    const forwarded = req.headers['x-forwarded-for'];
    if (
      typeof forwarded === 'string' &&
      isIP(forwarded.trim()) !== 0 &&
      this.serviceKeys.isEdgeKey(req.headers[EDGE_KEY_HEADER])
    ) {
      return forwarded.trim();
    }
    return req.ip;
  }

  /** The library keys by controller class and handler (a budget per route); ours by IP only. */
  protected override generateKey(
    _context: ExecutionContext,
    tracker: string,
    throttlerName: string,
  ): string {
    return `${this.config.service}:${throttlerName}:${tracker}`;
  }

  /** Counts the request; reports the budget in X-RateLimit-* (also on a 429), or refuses. */
  protected override async handleRequest(request: ThrottlerRequest): Promise<boolean> {
    const { context, limit, ttl, throttler, blockDuration, getTracker, generateKey } = request;
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const name = throttler.name ?? 'default';
    const key = generateKey(context, await getTracker(req, context), name);
    const record = await this.storageService.increment(key, ttl, limit, blockDuration, name);
    reportRateLimit(reply, {
      limit,
      remaining: record.isBlocked ? 0 : limit - record.totalHits,
      resetSeconds: record.isBlocked ? record.timeToBlockExpire : record.timeToExpire,
    });
    if (record.isBlocked) {
      void reply.header('retry-after', String(Math.max(1, record.timeToBlockExpire)));
      throw new ThrottlerException(RATE_LIMITED_DETAIL);
    }
    return true;
  }
}
