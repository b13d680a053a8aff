import {
  BrokenCircuitError,
  CircuitBreakerPolicy,
  ConsecutiveBreaker,
  ExponentialBackoff,
  IPolicy,
  circuitBreaker,
  handleWhen,
  retry,
  wrap,
} from 'cockatiel';
import { currentRequestId, currentTraceparent } from '../context/request-context';
import { TRACEPARENT_HEADER } from '../context/trace-context';
import { UpstreamUnavailableError } from '../errors/upstream-unavailable.error';
import { REQUEST_ID_HEADER } from '../logging/request-id';
import { SERVICE_KEY_HEADER } from '../auth/service-key.verifier';
import type { UpstreamSettings } from './upstream.config';
import type { HttpTransport, TransportResponse } from './http-transport';

type Method =
  'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface UpstreamRequest {
  method: Method;
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** the user's bearer token, forwarded when acting on a user's behalf */
  userToken?: string;
  /** makes a POST safe to retry; sent as Idempotency-Key */
  idempotencyKey?: string;
}

/** What the upstream answered: any 2xx-4xx; 5xx, timeouts and network errors never get here. */
export interface UpstreamResponse<T> {
  status: number;
  data: T;
}

/**
 * Answers that say the upstream is down, overloaded or restarting, rather than that this
 * request failed: a gateway's 502 and 504, and 503 (which our services answer when a
 * dependency of theirs, their database included, is unreachable).
 */
const DOWN_STATUSES = new Set([502, 503, 504]);

/** A failure worth retrying and counting against the breaker: no answer, timeout, 502-504. */
class TransientUpstreamFailure extends Error {}

/**
 * One upstream service, behind a timeout per attempt, a circuit breaker and, for requests that
 * are safe to repeat, retries with capped exponential backoff and jitter. 4xx answers are
 * returned (the typed client maps them); everything else becomes UpstreamUnavailableError (503).
 *
 * The breaker counts what says the upstream is unreachable (no answer, a timeout, 502, 503,
 * 504), and only that is retried. Another 5xx (500: a bug on that request) is answered 503 as
 * well, but neither retried (it would fail the same way) nor counted: an upstream that answers
 * is up, and one request's bug must not cut every caller off it. An open breaker fails calls at
 * once and lets one through after UPSTREAM_BREAKER_HALF_OPEN_MS (1 s by default), so a recovered
 * upstream is used again a second or so after it is back.
 */
export class UpstreamClient {
  readonly breaker: CircuitBreakerPolicy;
  private readonly once: IPolicy;
  private readonly repeatable: IPolicy;

  constructor(
    readonly name: string,
    readonly baseUrl: string,
    private readonly http: HttpTransport,
    private readonly settings: UpstreamSettings,
    private readonly serviceKey: string | undefined,
  ) {
    // a timed-out attempt counts like a 5xx: against the breaker, and retried when safe
    const transient = handleWhen((error) => error instanceof TransientUpstreamFailure);
    this.breaker = circuitBreaker(transient, {
      halfOpenAfter: settings.breakerHalfOpenMs,
      breaker: new ConsecutiveBreaker(settings.breakerThreshold),
    });
    const retries = retry(transient, {
      maxAttempts: settings.retries,
      // decorrelated jitter (cockatiel's default generator), capped
      backoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 1000 }),
    });
    this.once = this.breaker;
    this.repeatable = wrap(retries, this.breaker);
  }

  async request<T>(request: UpstreamRequest): Promise<UpstreamResponse<T>> {
    const safeToRepeat = request.method.toUpperCase() === 'GET' || !!request.idempotencyKey;
    const policy = safeToRepeat ? this.repeatable : this.once;
    let response: UpstreamResponse<T>;
    try {
      response = await policy.execute(() => this.attempt<T>(request));
    } catch (error) {
      if (error instanceof TransientUpstreamFailure || error instanceof BrokenCircuitError) {
        throw new UpstreamUnavailableError(this.name);
      }
      throw error;
    }
    // answered, but with an error of its own (500): passed on as 503, not counted, not retried
    if (response.status >= 500) throw new UpstreamUnavailableError(this.name);
    return response;
  }

  private async attempt<T>(request: UpstreamRequest): Promise<UpstreamResponse<T>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const requestId = currentRequestId();
    if (requestId) headers[REQUEST_ID_HEADER] = requestId;
    const traceparent = currentTraceparent();
    if (traceparent) headers[TRACEPARENT_HEADER] = traceparent;
    if (this.serviceKey) headers[SERVICE_KEY_HEADER] = this.serviceKey;
    if (request.userToken) headers.authorization = `Bearer ${request.userToken}`;
    if (request.idempotencyKey) headers['idempotency-key'] = request.idempotencyKey;

    // The attempt's own timer, aborting only when it fires: cockatiel's timeout policy aborted
    // its signal after every call, and each abort built a DOMException (1.5 % of a caller's CPU).
    const expiry = new AbortController();
    const timer = setTimeout(() => expiry.abort(), this.settings.timeoutMs);
    let response: TransportResponse;
    try {
      response = await this.http.send({
        method: request.method.toUpperCase(),
        url: this.urlOf(request),
        headers,
        json: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: expiry.signal,
        // the timer above aborts first; this is the backstop
        timeoutMs: this.settings.timeoutMs + 100,
      });
    } catch {
      throw new TransientUpstreamFailure(`${this.name}: no answer`);
    } finally {
      clearTimeout(timer);
    }
    if (DOWN_STATUSES.has(response.status)) {
      throw new TransientUpstreamFailure(`${this.name}: ${response.status}`);
    }
    return { status: response.status, data: response.data as T };
  }

  private urlOf(request: UpstreamRequest): string {
    // joined as axios joined them: one slash between, whatever either side has
    const url = `${this.baseUrl.replace(/\/+$/, '')}/${request.path.replace(/^\/+/, '')}`;
    if (!request.query) return url;
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(request.query)) {
      if (value !== undefined) query.append(key, String(value));
    }
    const text = query.toString();
    return text ? `${url}?${text}` : url;
  }
}
