import { Injectable, Logger } from '@nestjs/common';
import { DeliveryClient } from '@app/clients';
import { DELIVERY_PROBLEM_TYPES } from '@app/contracts';
import { UpstreamUnavailableError } from '@app/platform';
import { GoodsDispatch, StopVerdict } from '../../application/ports/goods-dispatch.port';

/**
 * GoodsDispatch over the delivery service's stop endpoint, through the typed DeliveryClient
 * (timeouts, retries: the stop is idempotent, breaker; 5xx and timeouts become
 * UpstreamUnavailableError). 2xx: stopped; 409 `delivery-already-left`: left. Any other answer
 * (a wrong SERVICE_API_KEY's 401/403, a 404 from an older delivery service) is one this service
 * cannot act on: also unavailable (503), and the log says why; the cancel stays pending.
 */
@Injectable()
export class HttpGoodsDispatch extends GoodsDispatch {
  private readonly logger = new Logger(HttpGoodsDispatch.name);

  constructor(private readonly deliveries: DeliveryClient) {
    super();
  }

  async stop(orderId: string): Promise<StopVerdict> {
    const answer = await this.deliveries.stopForOrder(orderId);
    if (answer.ok) return 'stopped';
    const type = typeof answer.problem?.type === 'string' ? answer.problem.type : '';
    if (answer.status === 409 && type.endsWith(`/${DELIVERY_PROBLEM_TYPES.deliveryAlreadyLeft}`)) {
      return 'left';
    }
    this.logger.error(
      { upstream: 'delivery', call: 'stop', status: answer.status, type },
      'Unusable answer from the delivery service',
    );
    throw new UpstreamUnavailableError('delivery');
  }
}
