import { HttpService } from '@nestjs/axios';
import type { AxiosResponse, Method } from 'axios';
import {
  BrokenCircuitError,
  CircuitBreakerPolicy,
  ConsecutiveBreaker,
  ExponentialBackoff,
  IPolicy,
  TaskCancelledError,
  TimeoutStrategy,
  circuitBreaker,
  handleWhen,
  retry,
  timeout,
  wrap,
} from 'cockatiel';
import { firstValueFrom } from 'rxjs';
import { currentRequestId, currentTraceparent } from '../context/request-context';
import { TRACEPARENT_HEADER } from '../context/trace-context';
import { UpstreamUnavailableError } from '../errors/upstream-unavailable.error';
import { REQUEST_ID_HEADER } from '../logging/request-id';
import { SERVICE_KEY_HEADER } from '../auth/service-key.verifier';
import type { UpstreamSettings } from './upstream.config';

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

/** A failure worth retrying and counting against the breaker: 5xx, timeout, connection error. */
class TransientUpstreamFailure extends Error {}

/**
 * One upstream service, behind a timeout per attempt, a circuit breaker and, for requests that
 * are safe to repeat, retries with capped exponential backoff and jitter. 4xx answers are
 * returned (the typed client maps them); everything else becomes UpstreamUnavailableError (503).
 */
export class UpstreamClient {
  readonly breaker: CircuitBreakerPolicy;
  private readonly once: IPolicy;
  private readonly repeatable: IPolicy;

  constructor(
    readonly name: string,
    readonly baseUrl: string,
    private readonly http: HttpService,
    private readonly settings: UpstreamSettings,
    private readonly serviceKey: string | undefined,
  ) {
    // a timed-out attempt counts like a 5xx: against the breaker, and retried when safe
    const transient = handleWhen(
      (error) => error instanceof TransientUpstreamFailure || error instanceof TaskCancelledError,
    );
    const perAttemptTimeout = timeout(settings.timeoutMs, TimeoutStrategy.Aggressive);
    this.breaker = circuitBreaker(transient, {
      halfOpenAfter: settings.breakerHalfOpenMs,
      breaker: new ConsecutiveBreaker(settings.breakerThreshold),
    });
    const retries = retry(transient, {
      maxAttempts: settings.retries,
      // decorrelated jitter (cockatiel's default generator), capped
      backoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 1000 }),
    });
    this.once = wrap(this.breaker, perAttemptTimeout);
    this.repeatable = wrap(retries, this.breaker, perAttemptTimeout);
  }

  async request<T>(request: UpstreamRequest): Promise<UpstreamResponse<T>> {
    const safeToRepeat = request.method.toUpperCase() === 'GET' || !!request.idempotencyKey;
    const policy = safeToRepeat ? this.repeatable : this.once;
    try {
      return await policy.execute(({ signal }) => this.attempt<T>(request, signal));
    } catch (error) {
      if (
        error instanceof TransientUpstreamFailure ||
        error instanceof TaskCancelledError ||
        error instanceof BrokenCircuitError
      ) {
        throw new UpstreamUnavailableError(this.name);
      }
      throw error;
    }
  }

  private async attempt<T>(
    request: UpstreamRequest,
    signal: AbortSignal,
  ): Promise<UpstreamResponse<T>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const requestId = currentRequestId();
    if (requestId) headers[REQUEST_ID_HEADER] = requestId;
    const traceparent = currentTraceparent();
    if (traceparent) headers[TRACEPARENT_HEADER] = traceparent;
    if (this.serviceKey) headers[SERVICE_KEY_HEADER] = this.serviceKey;
    if (request.userToken) headers.authorization = `Bearer ${request.userToken}`;
    if (request.idempotencyKey) headers['idempotency-key'] = request.idempotencyKey;

    let response: AxiosResponse<T>;
    try {
      response = await firstValueFrom(
        this.http.request<T>({
          baseURL: this.baseUrl,
          url: request.path,
          method: request.method,
          params: request.query,
          data: request.body,
          headers,
          signal,
          // axios has no timeout by default; cockatiel's aborts the attempt, this is the backstop
          timeout: this.settings.timeoutMs + 100,
          validateStatus: () => true,
          maxRedirects: 0,
        }),
      );
    } catch {
      throw new TransientUpstreamFailure(`${this.name}: no answer`);
    }
    if (response.status >= 500) {
      throw new TransientUpstreamFailure(`${this.name}: ${response.status}`);
    }
    return { status: response.status, data: response.data };
  }
}
