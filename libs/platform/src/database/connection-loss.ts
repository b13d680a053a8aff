/**
 * Whether an error means the service lost (or could not get) its database connection, as
 * opposed to a statement the database refused. A failover, a pooler restart or an operator's
 * pg_terminate_backend surfaces as one of these in the middle of a request: the request is
 * answered 503 (it may work a moment later), never 500.
 *
 * - SQLSTATE class 08 (connection exception), 57P01 admin_shutdown, 57P02 crash_shutdown,
 *   57P03 cannot_connect_now, 53300 too_many_connections;
 * - node-postgres' own errors when the socket closed or the pool could not connect in time;
 * - socket errors (refused, reset, broken pipe, timed out);
 * - TypeORM's "query runner already released": its query runner releases itself when its
 *   connection emits an error, so the next statement of that transaction fails this way.
 */
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
const RELEASED = new Set([
  'QueryRunnerAlreadyReleasedError',
  'QueryRunnerProviderAlreadyReleasedError',
]);
const PG_MESSAGES = [
  /^Connection terminated/,
  /timeout exceeded when trying to connect/,
  /is not queryable/,
  /^terminating connection/,
];

export function isConnectionLoss(error: unknown): boolean {
  // QueryFailedError keeps pg's error as driverError; other wrappers as cause
  for (let current = error, depth = 0; current && depth < 5; depth += 1) {
    if (typeof current !== 'object') return false;
    const candidate = current as {
      code?: unknown;
      message?: unknown;
      name?: unknown;
      driverError?: unknown;
      cause?: unknown;
    };
    const name = current.constructor?.name;
    if (RELEASED.has(name) || RELEASED.has(String(candidate.name))) return true;
    const code = typeof candidate.code === 'string' ? candidate.code : '';
    if (SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code) || SOCKET_CODES.has(code)) {
      return true;
    }
    const message = typeof candidate.message === 'string' ? candidate.message : '';
    if (PG_MESSAGES.some((pattern) => pattern.test(message))) return true;
    current = candidate.driverError ?? candidate.cause;
  }
  return false;
}

/** The SQLSTATE or socket code behind a connection loss, for a log line (never its message). */
export function connectionLossCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth += 1) {
    if (typeof current !== 'object') return undefined;
    const candidate = current as { code?: unknown; driverError?: unknown; cause?: unknown };
    if (typeof candidate.code === 'string') return candidate.code;
    current = candidate.driverError ?? candidate.cause;
  }
  return undefined;
}
