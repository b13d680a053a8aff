import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import {
  PAYMENTS_PATH,
  PAYMENT_INTERNAL_PATH,
  PAYMENT_PROBLEM_TYPES,
  type PaymentPageDto,
  type PaymentResponseDto,
  type ProcessPaymentDto,
} from '@app/contracts';
import { UpstreamClients } from '@app/platform';
import { UpstreamAnswer, answer } from './upstream-answer';

export interface ProcessPaymentOptions {
  /** the customer's (or admin's) bearer token: payments are made on a user's behalf */
  userToken: string;
  /**
   * Makes the call safe to retry: the payment service replays the first answer for the same
   * key and body (scoped per user). Use something stable per intent, e.g. `pay-<order id>-<n>`.
   */
  idempotencyKey: string;
}

// While the first attempt with a key is still running, the payment service answers 409
// idempotency-key-in-flight; a short wait usually turns that into the replayed answer.
const IN_FLIGHT_WAITS_MS = [150, 300, 600];

/**
 * The payment service, as other services see it. Requires PlatformModule.forRoot({ upstreams:
 * ['payment'] }) and, for the internal calls, a SERVICE_API_KEY the payment service accepts (its
 * SERVICE_API_KEYS maps the caller's name to it). Answers: the body for 2xx, the problem for 4xx;
 * 5xx, timeouts and an open breaker throw UpstreamUnavailableError (503 upstream-unavailable).
 */
@Injectable()
export class PaymentClient {
  constructor(private readonly upstreams: UpstreamClients) {}

  private get http() {
    return this.upstreams.get('payment');
  }

  /**
   * The payments of one order, newest first (service key: `GET /internal/payments?order_id=`).
   * The one holding the order's charge is the first whose status is not `rechazado`.
   */
  async getPaymentsForOrder(
    orderId: string,
    page: { limit?: number; offset?: number } = {},
  ): Promise<UpstreamAnswer<PaymentPageDto>> {
    const res = await this.http.request<PaymentPageDto>({
      method: 'GET',
      path: PAYMENT_INTERNAL_PATH,
      query: { order_id: orderId, limit: page.limit, offset: page.offset },
    });
    return answer<PaymentPageDto>(res);
  }

  /** `GET /payments/{id}` as a user (404 for another customer's payment). */
  async getPayment(
    id: string,
    options: { userToken: string },
  ): Promise<UpstreamAnswer<PaymentResponseDto>> {
    const res = await this.http.request<PaymentResponseDto>({
      method: 'GET',
      path: `${PAYMENTS_PATH}/${encodeURIComponent(id)}`,
      userToken: options.userToken,
    });
    return answer<PaymentResponseDto>(res);
  }

  /**
   * `POST /payments/process` for a user: 201 aprobado or rechazado, 202 pendiente (settled
   * later), 400, 404 order-not-found, 409 payment-in-progress / order-already-paid, 422
   * order-not-payable / amount-mismatch / idempotency-key-reused. 409 idempotency-key-in-flight
   * is retried after a few short waits.
   */
  async processPayment(
    dto: ProcessPaymentDto,
    options: ProcessPaymentOptions,
  ): Promise<UpstreamAnswer<PaymentResponseDto>> {
    for (let attempt = 0; ; attempt++) {
      const res = await this.http.request<PaymentResponseDto>({
        method: 'POST',
        path: `${PAYMENTS_PATH}/process`,
        body: dto,
        userToken: options.userToken,
        idempotencyKey: options.idempotencyKey,
      });
      const result = answer<PaymentResponseDto>(res);
      if (!isInFlight(result) || attempt >= IN_FLIGHT_WAITS_MS.length) return result;
      await sleep(IN_FLIGHT_WAITS_MS[attempt]);
    }
  }
}

function isInFlight(result: UpstreamAnswer<unknown>): boolean {
  return (
    !result.ok &&
    result.status === 409 &&
    typeof result.problem?.type === 'string' &&
    result.problem.type.endsWith(`/${PAYMENT_PROBLEM_TYPES.idempotencyKeyInFlight}`)
  );
}
