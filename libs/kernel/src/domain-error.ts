// Framework-free base for every service's domain errors. The platform's exception filter maps
// `kind` to an HTTP status and `code` to the problem type, so domains never see HTTP.
export type DomainErrorKind =
  | 'invalid' // 400
  | 'unauthorized' // 401
  | 'forbidden' // 403
  | 'not_found' // 404
  | 'conflict' // 409
  | 'unprocessable' // 422
  | 'rate_limited' // 429
  | 'unavailable'; // 503

export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
  /** Stable machine-readable code, e.g. `insufficient_stock`; becomes the problem `type` suffix. */
  abstract readonly code: string;
  /** Optional structured details (e.g. the short items of a reservation), safe to expose. */
  readonly details?: Record<string, unknown>;
  /** for `rate_limited`: seconds until a retry may succeed (sent as Retry-After) */
  readonly retryAfterSeconds?: number;

  constructor(message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}
