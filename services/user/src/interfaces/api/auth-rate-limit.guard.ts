import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { ThrottlerException, ThrottlerStorage, normalizeIp } from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { Email } from '../../domain/value-objects/email';
import { UserConfig } from '../../infrastructure/config/user.config';

const WINDOW_MS = 60_000;
const THROTTLER_NAME = 'user-auth';

/** Body fields whose presence means the request runs the password KDF. */
const HASHED_FIELDS = ['password', 'current_password'];

interface Budget {
  limit: number;
  remaining: number;
  resetSeconds: number;
}

/**
 * The budget of requests that hash a password: login, registration, and a PUT/PATCH of a user
 * carrying `password` or `current_password` (one without does not count). Two budgets, both
 * must allow: per client IP (AUTH_RATE_LIMIT_PER_MINUTE, shared by all these endpoints) and per
 * target account (AUTH_RATE_LIMIT_PER_ACCOUNT_PER_MINUTE: the email of a login or
 * registration, the user id of an update). Counted in the platform throttler's storage; the
 * platform's per-IP limit still applies, but the x-ratelimit-* headers of a counted request
 * describe this budget (the tighter of the two), since it is the one that applies. A refusal
 * is the platform's 429 problem+json with Retry-After.
 *
 * On an authenticated route this guard must run after the JWT guard (list it above `@Auth()`):
 * a request without a valid token then spends nobody's account budget.
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
    const reply = http.getResponse<FastifyReply>();
    if (!hashesPassword(request)) return true;

    const perIp = await this.spend(
      `ip:${normalizeIp(request.ip)}`,
      this.config.authRateLimitPerMinute,
      reply,
    );
    // A refused address spends no account's budget: it cannot lock someone else out.
    if (perIp === 'refused') this.refuse('from this address');

    const account = accountOf(request);
    if (account === undefined) return setHeaders(reply, perIp);
    const perAccount = await this.spend(
      `account:${digest(account)}`,
      this.config.authRateLimitPerAccountPerMinute,
      reply,
    );
    if (perAccount === 'refused') this.refuse('for this account');
    return setHeaders(reply, perAccount.remaining < perIp.remaining ? perAccount : perIp);
  }

  private async spend(
    key: string,
    limit: number,
    reply: FastifyReply,
  ): Promise<Budget | 'refused'> {
    const record = await this.storage.increment(
      `${THROTTLER_NAME}:${key}`,
      WINDOW_MS,
      limit,
      WINDOW_MS,
      THROTTLER_NAME,
    );
    if (record.isBlocked) {
      setHeaders(reply, { limit, remaining: 0, resetSeconds: record.timeToBlockExpire });
      void reply.header('retry-after', String(record.timeToBlockExpire));
      return 'refused';
    }
    return {
      limit,
      remaining: Math.max(0, limit - record.totalHits),
      resetSeconds: record.timeToExpire,
    };
  }

  private refuse(scope: string): never {
    throw new ThrottlerException(
      `Too many login, registration or password-change requests ${scope}. Try again later.`,
    );
  }
}

function hashesPassword(request: FastifyRequest): boolean {
  if (request.method === 'POST') return true; // login, registration
  const body = request.body;
  return (
    typeof body === 'object' &&
    body !== null &&
    HASHED_FIELDS.some((field) => Object.prototype.hasOwnProperty.call(body, field))
  );
}

/** The account a request aims at; undefined when the body does not name one (a 400 follows). */
function accountOf(request: FastifyRequest): string | undefined {
  const id = (request.params as Record<string, unknown> | undefined)?.id;
  if (typeof id === 'string') return `id:${id.toLowerCase()}`;
  const email = (request.body as Record<string, unknown> | undefined)?.email;
  if (typeof email === 'string') return `email:${Email.normalise(email)}`;
  return undefined;
}

/** Keys of a bounded size whatever the client sends. */
function digest(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/** Overwrites the platform throttler's headers (set earlier, by the global guard). */
function setHeaders(reply: FastifyReply, budget: Budget): true {
  void reply.header('x-ratelimit-limit', String(budget.limit));
  void reply.header('x-ratelimit-remaining', String(budget.remaining));
  void reply.header('x-ratelimit-reset', String(budget.resetSeconds));
  return true;
}
