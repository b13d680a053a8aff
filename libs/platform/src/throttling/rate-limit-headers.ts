import type { FastifyReply } from 'fastify';

export interface RateLimitState {
  /** requests allowed in the window */
  limit: number;
  /** requests left in the window (0 once refused) */
  remaining: number;
  /** seconds until the window (or the block) ends */
  resetSeconds: number;
}

const LIMIT = 'x-ratelimit-limit';
const REMAINING = 'x-ratelimit-remaining';
const RESET = 'x-ratelimit-reset';

/**
 * Writes the X-RateLimit-* headers for one limit, unless a limit already reported on this
 * response leaves fewer requests: the headers always state the limit that bites first.
 * The platform's per-IP guard reports first (global guards run before route guards); a route
 * guard with a stricter budget (login) calls this too and, while it is the tighter one, its
 * figures replace the platform's.
 */
export function reportRateLimit(reply: FastifyReply, state: RateLimitState): void {
  const current = reply.getHeader(REMAINING);
  if (current !== undefined) {
    const remaining = Number(current);
    const limit = Number(reply.getHeader(LIMIT));
    const tighter =
      state.remaining < remaining || (state.remaining === remaining && state.limit < limit);
    if (!tighter) return;
  }
  void reply
    .header(LIMIT, String(state.limit))
    .header(REMAINING, String(Math.max(0, state.remaining)))
    .header(RESET, String(Math.max(0, Math.ceil(state.resetSeconds))));
}
