import { Injectable } from '@nestjs/common';
import {
  DELIVERIES_PATH,
  type DeliveryResponseDto,
  type StopDeliveryResponseDto,
  type TrackingDto,
  deliveryByOrderPath,
  deliveryStopPath,
} from '@app/contracts';
import { UpstreamClients } from '@app/platform';
import { UpstreamAnswer, answer } from './upstream-answer';

/**
 * The delivery service, as other services (and tests, and the order-flow scripts) see it.
 * Requires PlatformModule.forRoot({ upstreams: ['delivery'] }) and, for `getByOrder` and
 * `stopForOrder`, a SERVICE_API_KEY the delivery service accepts (its SERVICE_API_KEYS maps the
 * caller's name to it). Answers: the body for 2xx, the problem for 4xx; 5xx, timeouts and an open
 * breaker throw UpstreamUnavailableError (503 upstream-unavailable).
 *
 * Deliveries are opened by the delivery service itself, from the order's events (`order.paid`);
 * the one synchronous question is the order service's `stopForOrder` before it cancels a paid
 * order (the delivery service decides whether the goods left).
 */
@Injectable()
export class DeliveryClient {
  constructor(private readonly upstreams: UpstreamClients) {}

  private get http() {
    return this.upstreams.get('delivery');
  }

  /** `GET /internal/deliveries/by-order/{order_id}` (service key): 200, or 404 when none. */
  async getByOrder(orderId: string): Promise<UpstreamAnswer<DeliveryResponseDto>> {
    const res = await this.http.request<DeliveryResponseDto>({
      method: 'GET',
      path: deliveryByOrderPath(orderId),
    });
    return answer<DeliveryResponseDto>(res);
  }

  /**
   * `POST /internal/deliveries/by-order/{order_id}/stop` (the order service's key only): 200 the
   * goods will not leave (a pending delivery cancelled, or none will be opened), 409
   * `delivery-already-left`. Idempotent on the delivery side, so it is retried like a GET.
   */
  async stopForOrder(orderId: string): Promise<UpstreamAnswer<StopDeliveryResponseDto>> {
    const res = await this.http.request<StopDeliveryResponseDto>({
      method: 'POST',
      path: deliveryStopPath(orderId),
      // an empty JSON object, not no body: a body-less POST once went out labelled as a form
      // (the axios client of the time), which the platform answers 415
      body: {},
      idempotencyKey: `stop-${orderId}`,
    });
    return answer<StopDeliveryResponseDto>(res);
  }

  /** `GET /deliveries/{id}` as a user: 404 also for another customer's delivery. */
  async getDelivery(
    id: string,
    options: { userToken: string },
  ): Promise<UpstreamAnswer<DeliveryResponseDto>> {
    const res = await this.http.request<DeliveryResponseDto>({
      method: 'GET',
      path: `${DELIVERIES_PATH}/${encodeURIComponent(id)}`,
      userToken: options.userToken,
    });
    return answer<DeliveryResponseDto>(res);
  }

  /** `GET /deliveries/track/{tracking_number}` (public): 200, 400 malformed, 404 unknown. */
  async track(trackingNumber: string): Promise<UpstreamAnswer<TrackingDto>> {
    const res = await this.http.request<TrackingDto>({
      method: 'GET',
      path: `${DELIVERIES_PATH}/track/${encodeURIComponent(trackingNumber)}`,
    });
    return answer<TrackingDto>(res);
  }
}
