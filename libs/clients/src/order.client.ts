import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import {
  ORDERS_PATH,
  ORDER_INTERNAL_PATH,
  ORDER_PROBLEM_TYPES,
  type CreateOrderDto,
  type OrderResponseDto,
} from '@app/contracts';
import { UpstreamClients } from '@app/platform';
import { UpstreamAnswer, answer } from './upstream-answer';

export interface CreateOrderOptions {
  /** the customer's (or admin's) bearer token: orders are placed on a user's behalf */
  userToken: string;
  /**
   * Makes the call safe to retry: the order service replays the first answer for the same key
   * and body (scoped per user). Use something stable per intent, e.g. `checkout-<cart id>`.
   */
  idempotencyKey: string;
}

// While the first attempt with a key is still running, the order service answers 409
// idempotency-key-in-flight; a short wait usually turns that into the replayed answer.
const IN_FLIGHT_WAITS_MS = [150, 300, 600];

/**
 * The order service, as other services see it. Requires PlatformModule.forRoot({ upstreams:
 * ['order'] }) and, for the internal calls, a SERVICE_API_KEY the order service accepts (its
 * SERVICE_API_KEYS maps the caller's name to it). Answers: the body for 2xx, the problem for 4xx;
 * 5xx, timeouts and an open breaker throw UpstreamUnavailableError (503 upstream-unavailable).
 */
@Injectable()
export class OrderClient {
  constructor(private readonly upstreams: UpstreamClients) {}

  private get http() {
    return this.upstreams.get('order');
  }

  /**
   * `POST /orders` for a user: 201 new (or 201 replayed), 400, 403, 404 product-not-found,
   * 409 insufficient-stock (problem `items`), 409 idempotency-key-in-flight (after a few short
   * waits), 422 idempotency-key-reused.
   */
  async createOrder(
    dto: CreateOrderDto,
    options: CreateOrderOptions,
  ): Promise<UpstreamAnswer<OrderResponseDto>> {
    for (let attempt = 0; ; attempt++) {
      const res = await this.http.request<OrderResponseDto>({
        method: 'POST',
        path: `${ORDERS_PATH}/`,
        body: dto,
        userToken: options.userToken,
        idempotencyKey: options.idempotencyKey,
      });
      const result = answer<OrderResponseDto>(res);
      if (!isInFlight(result) || attempt >= IN_FLIGHT_WAITS_MS.length) return result;
      await sleep(IN_FLIGHT_WAITS_MS[attempt]);
    }
  }

  /**
   * With a userToken: `GET /orders/{id}` as that user (404 for another customer's order).
   * Without: the service-to-service `GET /internal/orders/{id}` (service key only).
   */
  async getOrder(
    id: string,
    options: { userToken?: string } = {},
  ): Promise<UpstreamAnswer<OrderResponseDto>> {
    const base = options.userToken ? ORDERS_PATH : ORDER_INTERNAL_PATH;
    const res = await this.http.request<OrderResponseDto>({
      method: 'GET',
      path: `${base}/${encodeURIComponent(id)}`,
      userToken: options.userToken,
    });
    return answer<OrderResponseDto>(res);
  }
}

function isInFlight(result: UpstreamAnswer<unknown>): boolean {
  return (
    !result.ok &&
    result.status === 409 &&
    typeof result.problem?.type === 'string' &&
    result.problem.type.endsWith(`/${ORDER_PROBLEM_TYPES.idempotencyKeyInFlight}`)
  );
}
